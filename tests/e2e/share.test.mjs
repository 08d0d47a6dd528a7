// Share, undo and reset: a link made after the guide's compaction commands reopens in a fresh
// browser context to the same revision, compact revision and db sizes on every member; a
// tampered link shows share-error over a clean playground; undo after a put restores the
// previous revision, reset a fresh cluster. Figures come from the page's JS API state().
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, open, type, SCREENSHOTS } from './browser.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function waitForOutput(page, pattern, timeout = 60_000) {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-testid=terminal-output]')?.innerText ?? ''),
    [pattern.source, pattern.flags],
    { timeout },
  );
}

async function pause(page) {
  if ((await page.getByTestId('play-pause').innerText()).includes('pause')) await page.getByTestId('play-pause').click();
}

/// What must match across a share: per member, revision, compact revision and db sizes.
const figures = (page) =>
  page.evaluate(() =>
    window.wasmBindings.page().state().members.map((m) => ({
      name: m.name,
      revision: m.revision,
      compactRevision: m.compactRevision,
      dbSize: m.dbSize,
      dbSizeInUse: m.dbSizeInUse,
    })),
  );

test('a share link made after the history compaction lesson reopens to the same state in a fresh context', async () => {
  const { page, context, errors } = await open(browser, { path: '/?lesson=history-compaction' });
  await page.locator('[data-testid=lesson][data-lesson-id=history-compaction]').waitFor();
  for (const line of ['etcdctl put somekey a', 'etcdctl put somekey b', 'etcdctl put somekey c', 'etcdctl compact 3']) {
    await type(page, line);
  }
  await waitForOutput(page, /compacted revision 3/);
  await page.getByTestId('lesson-complete').waitFor({ timeout: 60_000 });
  await pause(page);
  await type(page, 'etcdctl get --rev=2 somekey');
  await type(page, 'playground advance 2s; echo settled');
  await waitForOutput(page, /\nsettled\n/);
  const made = await figures(page);
  assert.deepEqual(made.map((m) => [m.revision, m.compactRevision]), [[4, 3], [4, 3], [4, 3]]);
  await page.getByTestId('share-button').click();
  const url = await page.getByTestId('share-url').inputValue();
  assert.match(url, /#share=2\.[A-Za-z0-9_-]+$/);
  assert.ok(url.length <= 8000, `${url.length} characters`);
  await page.screenshot({ path: join(SCREENSHOTS, 'share-made.png') });
  assert.deepEqual(errors, []);

  const opened = await open(browser, { path: url });
  await opened.page.waitForFunction(() => window.wasmBindings.page().state().members.length === 3);
  assert.deepEqual(await figures(opened.page), made);
  assert.equal(await opened.page.getByTestId('share-error').count(), 0);
  await opened.page.screenshot({ path: join(SCREENSHOTS, 'share-opened.png') });
  assert.deepEqual(opened.errors, []);
  await opened.context.close();
  await context.close();
});

test('a tampered share link shows share-error and starts a clean playground', async () => {
  const { page, context, errors } = await open(browser);
  await pause(page);
  await type(page, 'etcdctl put k v');
  await page.getByTestId('share-button').click();
  const url = await page.getByTestId('share-url').inputValue();
  const at = url.length - 5;
  const tampered = url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1);
  await context.close();

  const opened = await open(browser, { path: tampered });
  const error = opened.page.getByTestId('share-error');
  await error.waitFor();
  assert.match(await error.innerText(), /cannot be opened: the link is (damaged|malformed)/);
  const members = await opened.page.evaluate(() => window.wasmBindings.page().state().members);
  assert.ok(members.every((m) => m.revision === 1), JSON.stringify(members));
  await opened.page.screenshot({ path: join(SCREENSHOTS, 'share-tampered.png') });
  assert.deepEqual(errors, []);
  await opened.context.close();
});

test('undo after etcdctl put restores the previous revision; reset restores a fresh cluster', async () => {
  const { page, context, errors } = await open(browser);
  await pause(page);
  const revisions = () => page.evaluate(() => window.wasmBindings.page().state().members.map((m) => m.revision));
  await type(page, 'etcdctl put a 1');
  await type(page, 'playground advance 1s; echo one');
  await waitForOutput(page, /\none\n/);
  assert.deepEqual(await revisions(), [2, 2, 2]);
  await type(page, 'etcdctl put a 2');
  await type(page, 'playground advance 1s; echo two');
  await waitForOutput(page, /\ntwo\n/);
  assert.deepEqual(await revisions(), [3, 3, 3]);
  // The last command is the advance; undo twice takes it and the put.
  await page.getByTestId('undo-button').click();
  await waitForOutput(page, /# undone: playground advance 1s; echo two/);
  await type(page, 'playground undo');
  await waitForOutput(page, /# undone: etcdctl put a 2/);
  await page.waitForFunction(() => window.wasmBindings.page().state().members.every((m) => m.revision === 2));
  await page.screenshot({ path: join(SCREENSHOTS, 'share-undo.png') });
  await page.getByTestId('reset-button').click();
  await waitForOutput(page, /# reset: a fresh cluster of seed 1/);
  assert.deepEqual(await revisions(), [1, 1, 1]);
  await type(page, 'etcdctl get a; echo none');
  await waitForOutput(page, /\nnone\n/);
  await page.screenshot({ path: join(SCREENSHOTS, 'share-reset.png') });
  assert.deepEqual(errors, []);
  await context.close();
});
