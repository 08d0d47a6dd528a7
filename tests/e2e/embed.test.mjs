// A documentation page with several <etcd-playground> elements (dist/docs.html), as a reader
// meets it: every section's playground has run its block, each is its own cluster, the page's
// globals and styles are untouched, and the iframe form (embed.html) works where scripts don't.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, BASE_URL, SCREENSHOTS } from './browser.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function openDocs(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  // What the page itself defines, before any of our scripts run.
  await page.addInitScript(() => {
    window.__globalsBefore = Object.getOwnPropertyNames(window);
  });
  await page.goto(new URL('/docs.html', BASE_URL).href);
  return { page, context, errors };
}

/// The section's element; Playwright's locators reach into open shadow roots.
const section = (page, id) => page.locator(`etcd-playground[data-section="${id}"]`);
const sectionOutput = (page, id) => section(page, id).getByTestId('terminal-output').innerText();

async function typeIn(page, id, line) {
  const input = section(page, id).getByTestId('terminal-input');
  await input.click();
  await input.pressSequentially(line, { delay: 0 });
  await input.press('Enter');
}

async function waitForText(page, id, pattern) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await sectionOutput(page, id).catch(() => '');
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) assert.fail(`section ${id} never showed ${pattern}; it shows:\n${text}`);
    await page.waitForTimeout(100);
  }
}

test('the sample docs page runs each section\'s block in its own playground', async () => {
  const { page, errors } = await openDocs();
  const sections = ['raft-log-retention', 'history-compaction', 'defragmentation', 'space-quota', 'snapshot-backup'];
  assert.equal(await page.locator('etcd-playground').count(), sections.length);
  for (const id of sections) {
    await section(page, id).getByTestId('embedded-playground').waitFor({ timeout: 60_000 });
  }
  // Nothing took the reader's focus.
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  await waitForText(page, 'history-compaction', /required revision has been compacted/);
  await waitForText(page, 'space-quota', /alarm:NOSPACE/);
  const quota = await waitForText(page, 'space-quota', /put newkey 123\s*\n(?:.*unrecognized environment variable.*\n)?OK/);
  assert.match(quota, /compacted revision \d+/);
  await waitForText(page, 'snapshot-backup', /Snapshot saved at backup\.db/);
  await waitForText(page, 'raft-log-retention', /saved snapshot"' *\n\d+/);
  // The cards show what the block did: the quota section's alarm is gone again.
  const alarms = await section(page, 'space-quota').locator('[data-testid$="-alarms"]').allInnerTexts();
  assert.ok(alarms.every((a) => !/NOSPACE/.test(a)), `alarms after disarm: ${alarms}`);

  // A command in one playground changes nothing in the others.
  await typeIn(page, 'defragmentation', 'etcdctl put only-here 1');
  await waitForText(page, 'defragmentation', /put only-here 1\s*\nOK/);
  await typeIn(page, 'history-compaction', 'etcdctl get only-here; echo "count=$(etcdctl get only-here | wc -l)"');
  const other = await waitForText(page, 'history-compaction', /count=\d+/);
  assert.match(other, /count=0/);

  // The page's globals: only what our init script set; its styles: its one inline sheet, and
  // its body as the page styled it.
  const leaked = await page.evaluate(() => {
    const before = new Set(window.__globalsBefore);
    return Object.getOwnPropertyNames(window).filter((name) => !before.has(name) && name !== '__globalsBefore');
  });
  assert.deepEqual(leaked, []);
  const styles = await page.evaluate(() => ({
    sheets: document.styleSheets.length,
    font: getComputedStyle(document.body).fontFamily,
    background: getComputedStyle(document.body).backgroundColor,
    scheme: document.documentElement.getAttribute('data-scheme'),
  }));
  assert.equal(styles.sheets, 1);
  assert.match(styles.font, /Georgia/);
  assert.equal(styles.background, 'rgb(253, 253, 251)');
  assert.equal(styles.scheme, null);

  await page.screenshot({ path: join(SCREENSHOTS, 'docs-page.png'), fullPage: true });
  await section(page, 'space-quota').screenshot({ path: join(SCREENSHOTS, 'docs-space-quota.png') });
  assert.deepEqual(errors, []);
});

test('a bad attribute shows an error in its element and the rest of the page works', async () => {
  const { page, errors } = await openDocs();
  await section(page, 'snapshot-backup').getByTestId('embedded-playground').waitFor({ timeout: 60_000 });
  await page.evaluate(() => {
    const element = document.createElement('etcd-playground');
    element.setAttribute('data-section', 'bad');
    element.setAttribute('flags', '--quota-backend-bytes=lots');
    document.body.append(element);
    const other = document.createElement('etcd-playground');
    other.setAttribute('data-section', 'bad-panels');
    other.setAttribute('panels', 'everything');
    document.body.append(other);
  });
  const error = section(page, 'bad').getByTestId('embed-error');
  await error.waitFor();
  assert.match(await error.innerText(), /quota-backend-bytes/);
  assert.match(await section(page, 'bad-panels').getByTestId('embed-error').innerText(), /panels: `everything`/);
  await typeIn(page, 'snapshot-backup', 'etcdctl put still 1');
  await waitForText(page, 'snapshot-backup', /put still 1\s*\nOK/);
  assert.deepEqual(errors, []);
});

test('the iframe form takes the same options from its URL', async () => {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const src = new URL('/embed.html', BASE_URL);
  src.searchParams.set('panels', 'cards');
  src.searchParams.set('flags', '--quota-backend-bytes=16777216');
  src.searchParams.set('script', 'etcdctl put framed yes\netcdctl get framed --print-value-only');
  // A host page with no script of its own.
  await page.setContent(`<!DOCTYPE html><body><iframe title="etcd playground" src="${src.href}" style="width:860px;height:560px;border:0"></iframe></body>`);
  const frame = page.frameLocator('iframe');
  await frame.getByTestId('embedded-playground').waitFor({ timeout: 60_000 });
  const out = frame.getByTestId('terminal-output');
  await page.waitForFunction(() => true);
  const deadline = Date.now() + 30_000;
  let text = '';
  while (!/framed --print-value-only\s*\nyes/.test(text) && Date.now() < deadline) {
    text = await out.innerText();
    await page.waitForTimeout(100);
  }
  assert.match(text, /framed --print-value-only\s*\nyes/);
  assert.equal(await frame.getByTestId('member-infra1').count(), 1);
  await page.screenshot({ path: join(SCREENSHOTS, 'embed-iframe.png') });
  assert.deepEqual(errors, []);
});
