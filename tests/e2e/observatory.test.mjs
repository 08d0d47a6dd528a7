// The observatory beside the terminal, as an operator uses it: the keyspace through the guide's
// history compaction, the page map against `bbolt pages` of a snapshot of the same member, the
// member cards' buttons (each echoes its command into the terminal), the time jumps, and the
// page at 800×600 with no sideways scroll.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, open, type, output, SCREENSHOTS } from './browser.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const text = (page, testid) => page.getByTestId(testid).innerText();

async function waitForOutput(page, pattern) {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-testid=terminal-output]')?.innerText ?? ''),
    [pattern.source, pattern.flags],
    { timeout: 60_000 },
  );
}

/// The revisions the keyspace shows for `key`: held, and gone (compacted).
async function revisions(page, key) {
  return page.evaluate((key) => {
    const row = document.querySelector(`[data-testid=key-row][data-key="${key}"]`);
    const of = (id) => [...(row?.querySelectorAll(`[data-testid=${id}]`) ?? [])].map((e) => Number(e.dataset.revision));
    return { held: of('key-revision'), gone: of('key-revision-gone') };
  }, key);
}

test("the keyspace follows the guide's history compaction", async () => {
  const { page, errors } = await open(browser);
  await page.getByTestId('tab-keyspace').click();
  // The guide's block, verbatim.
  await type(page, 'etcdctl put somekey a');
  await type(page, 'etcdctl put somekey b');
  await type(page, 'etcdctl put somekey c');
  await waitForOutput(page, /put somekey c\nOK\n/);
  await page.waitForFunction(() => document.querySelectorAll('[data-key=somekey] [data-testid=key-revision]').length === 3);
  assert.deepEqual(await revisions(page, 'somekey'), { held: [2, 3, 4], gone: [] });
  await page.screenshot({ path: join(SCREENSHOTS, 'keyspace-before-compact.png') });
  await type(page, 'etcdctl compact 3');
  await waitForOutput(page, /compacted revision 3/);
  await page.waitForFunction(() => document.querySelector('[data-testid=keyspace-compact-revision]')?.innerText === '3');
  // etcd keeps the newest revision at or below the compact revision (get --rev=3 still reads b).
  assert.deepEqual(await revisions(page, 'somekey'), { held: [3, 4], gone: [2] });
  await type(page, 'etcdctl get --rev=3 somekey');
  await waitForOutput(page, /somekey\nb\n/);
  await type(page, 'etcdctl get --rev=2 somekey');
  await waitForOutput(page, /required revision has been compacted/);
  // A click on the key shows its values at the revisions held.
  await page.locator('[data-testid=key-row][data-key=somekey]').click();
  await page.waitForFunction(() => document.querySelector('.keyspace .values')?.innerText.includes('"c"'));
  await page.screenshot({ path: join(SCREENSHOTS, 'keyspace-after-compact.png') });
  assert.deepEqual(errors, []);
});

/// `bbolt pages FILE` as counts per type: rows of each type, overflow pages summed.
function bboltCounts(listing) {
  const counts = { meta: 0, freelist: 0, branch: 0, leaf: 0, overflow: 0, free: 0 };
  for (const line of listing.split('\n')) {
    const m = line.match(/^\d+\s+(meta|freelist|branch|leaf|free)\b\s*(\d+)?\s*(\d+)?/);
    if (!m) continue;
    counts[m[1]] += 1;
    counts.overflow += Number(m[3] ?? 0);
  }
  return counts;
}

async function pageCounts(page) {
  const kinds = ['meta', 'freelist', 'branch', 'leaf', 'overflow', 'free', 'pending'];
  const counts = {};
  for (const kind of kinds) counts[kind] = Number(await text(page, `page-count-${kind}`));
  return counts;
}

/// The live map and `bbolt pages` of a snapshot agree: pending pages are free in a file (a
/// process that opens it has no reader holding them).
async function assertMapMatchesSnapshot(page, name) {
  await type(page, 'clear');
  await type(page, `etcdctl snapshot save ${name} >/dev/null 2>&1 && bbolt pages ${name} && echo listed`);
  await waitForOutput(page, /ID\s+TYPE\s+ITEMS\s+OVRFLW[\s\S]*\nlisted\n/);
  // The card figures and the map follow the member once the frame after the command ran.
  await page.waitForTimeout(300);
  const live = await pageCounts(page);
  const file = bboltCounts(await output(page));
  assert.deepEqual(
    { ...live, free: live.free + live.pending, pending: undefined },
    { ...file, pending: undefined },
    `live ${JSON.stringify(live)} against bbolt pages ${JSON.stringify(file)}`,
  );
  return live;
}

test('the page map agrees with bbolt pages before and after compaction and after defrag', async () => {
  const { page, errors } = await open(browser);
  await page.getByTestId('play-pause').click(); // time stands still: the map cannot move between the two reads
  await page.getByTestId('tab-page-map').click();
  await page.getByTestId('page-map').waitFor();
  assert.equal(await page.getByTestId('page-map').getAttribute('data-member'), 'infra1');
  // Enough data for branch and overflow pages: 300 keys of 100 bytes, and five 10 kB values.
  await type(page, "for i in $(seq 1 300); do etcdctl put key$i $(printf '%0100d' $i) >/dev/null; done");
  await type(page, "for i in 1 2 3 4 5; do etcdctl put big $(printf '%010000d' $i) >/dev/null; done; echo filled");
  await waitForOutput(page, /\nfilled\n/);
  const filled = await assertMapMatchesSnapshot(page, 'filled.db');
  assert.ok(filled.leaf > 1 && filled.branch >= 1 && filled.overflow >= 1, JSON.stringify(filled));
  await page.screenshot({ path: join(SCREENSHOTS, 'page-map-filled.png') });
  await type(page, 'rev=$(etcdctl endpoint status --write-out="json" | egrep -o \'"revision":[0-9]*\' | egrep -o \'[0-9].*\'); etcdctl compact $rev');
  await waitForOutput(page, /compacted revision \d+/);
  const compacted = await assertMapMatchesSnapshot(page, 'compacted.db');
  assert.ok(compacted.free + compacted.pending > filled.free + filled.pending, 'compaction frees pages');
  await page.screenshot({ path: join(SCREENSHOTS, 'page-map-compacted.png') });
  await page.getByTestId('member-infra1-defrag').click();
  await waitForOutput(page, /Finished defragmenting etcd member\[http:\/\/127.0.0.1:2379\]/);
  const defragged = await assertMapMatchesSnapshot(page, 'defragged.db');
  assert.ok(defragged.free + defragged.pending < compacted.free + compacted.pending, 'defrag gives the free pages back');
  await page.screenshot({ path: join(SCREENSHOTS, 'page-map-defragged.png') });
  assert.deepEqual(errors, []);
});

test("a card's buttons run their commands in the terminal; the time jumps too", async () => {
  const { page, errors } = await open(browser);
  await page.getByTestId('member-infra2-kill').click();
  await waitForOutput(page, /\$ playground kill infra2\n/);
  await page.waitForFunction(() => document.querySelector('[data-testid=member-infra2-up]')?.innerText === 'down');
  assert.equal(await page.getByTestId('member-infra2-kill').isDisabled(), true);
  await page.getByTestId('member-infra2-restart').click();
  await waitForOutput(page, /\$ playground restart infra2\n/);
  await page.waitForFunction(() => document.querySelector('[data-testid=member-infra2-up]')?.innerText === 'up');
  await page.getByTestId('member-infra3-isolate').click();
  await waitForOutput(page, /\$ playground isolate infra3\n/);
  await page.getByTestId('member-infra3-heal').click();
  await waitForOutput(page, /\$ playground heal\n/);
  const before = await text(page, 'virtual-time');
  await page.getByTestId('jump-1h').click();
  await waitForOutput(page, /\$ playground advance 1h\n/);
  const [h0, h1] = [before, await text(page, 'virtual-time')].map((t) => Number(t.split('h')[0]));
  assert.ok(h1 >= h0 + 1, `${before} then ${h1}h`);
  // The typed command and the button are one and the same: the history has the button's line.
  await page.getByTestId('terminal-input').press('ArrowUp');
  assert.equal(await page.getByTestId('terminal-input').inputValue(), 'playground advance 1h');
  await page.screenshot({ path: join(SCREENSHOTS, 'buttons.png') });
  assert.deepEqual(errors, []);
});

test('the whole page at 800×600 has no sideways scroll, even with a wide table', async () => {
  const { page, errors } = await open(browser, { viewport: { width: 800, height: 600 } });
  await type(page, 'etcdctl endpoint status --cluster -w table');
  await waitForOutput(page, /\| *ENDPOINT *\|/);
  for (const tab of ['history', 'alerts', 'log', 'keyspace', 'page-map']) {
    await page.getByTestId(`tab-${tab}`).click();
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `tab ${tab}: the page is ${scroll} px wide in a ${inner} px window`);
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'narrow-800x600.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
