// The history an operator watches: the charts over virtual time and the timeline of events,
// through the periodic auto-compactor, the maintenance guide's quota walkthrough and a raft
// snapshot sent to a follower that fell behind; the step control and the alerts of etcd's
// monitoring mixin. Assertions read DOM figures (data attributes, legends), never pixels.
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

async function waitForOutput(page, pattern, timeout = 120_000) {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-testid=terminal-output]')?.innerText ?? ''),
    [pattern.source, pattern.flags],
    { timeout },
  );
}

/// The timeline's items of one kind: member, start, end (spans), and the hover text.
async function timeline(page, kind) {
  return page.evaluate((kind) =>
    [...document.querySelectorAll(`[data-testid=timeline-event][data-kind=${kind}]`)].map((e) => ({
      member: e.dataset.member,
      at: Number(e.dataset.atMicros),
      until: e.dataset.untilMicros === undefined ? null : Number(e.dataset.untilMicros),
      title: e.title,
    })), kind);
}

/// A chart legend's values: series label → value (at the cursor, or the newest sample).
async function legend(page, chart) {
  return page.evaluate((chart) => Object.fromEntries(
    [...document.querySelectorAll(`[data-testid=${chart}-legend] li`)].map((li) => [li.dataset.series, Number(li.dataset.value)]),
  ), chart);
}

const attr = (page, testid, name) => page.getByTestId(testid).getAttribute(name).then(Number);

async function pause(page) {
  if ((await page.getByTestId('play-pause').innerText()).includes('pause')) await page.getByTestId('play-pause').click();
}

test("--auto-compaction-retention=1 and a 3 h jump: compactions at the periodic compactor's times and revisions", async () => {
  const { page, errors } = await open(browser);
  await pause(page);
  await type(page, 'etcd --auto-compaction-retention=1');
  await waitForOutput(page, /serving client traffic insecurely[\s\S]*infra3/);
  // Ten puts now (revisions 2..11), and ten more after each hour passes.
  await type(page, 'for i in $(seq 1 10); do etcdctl put k$i v >/dev/null; done; echo first');
  await waitForOutput(page, /\nfirst\n/);
  for (const hour of [1, 2, 3]) {
    await type(page, `playground advance 1h; for i in $(seq 1 10); do etcdctl put h${hour}k$i v >/dev/null; done; echo hour${hour}`);
    await waitForOutput(page, new RegExp(`\\nhour${hour}\\n`));
  }
  await page.getByTestId('tab-history').click();
  const compactions = (await timeline(page, 'compaction')).filter((e) => /compacted at revision/.test(e.title));
  // Every member applies each compaction: the revisions per member, in order.
  const byMember = {};
  for (const c of compactions) (byMember[c.member] ??= []).push([c.at, Number(c.title.match(/revision (\d+)/)[1])]);
  assert.deepEqual(Object.keys(byMember).sort(), ['infra1', 'infra2', 'infra3'], JSON.stringify(compactions));
  // etcd's periodic compactor with a 1 h retention samples the revision every 6 min (a tenth of
  // the retention) and compacts once an hour has passed since its last success, to the revision
  // of an hour before: at 1h00m to revision 1 (the start), then, its last success a moment after
  // 1h00m, at the 6-minute check of 2h06m to revision 11 (the first ten puts).
  for (const member of ['infra1', 'infra2', 'infra3']) {
    const minutes = byMember[member].map(([at, rev]) => [Math.round(at / 60_000_000), rev]);
    assert.deepEqual(minutes, [[60, 1], [126, 11]], `${member}: ${JSON.stringify(byMember[member])}`);
  }
  const scheduled = (await timeline(page, 'compaction')).filter((e) => /periodic compaction scheduled/.test(e.title));
  assert.deepEqual(scheduled.map((e) => e.member), ['cluster', 'cluster']);
  // The compact revision chart steps with each compaction.
  assert.ok((await attr(page, 'chart-revision', 'data-steps')) >= 2);
  assert.ok((await attr(page, 'chart-revision', 'data-marks')) >= 2);
  await page.screenshot({ path: join(SCREENSHOTS, 'history-auto-compaction.png') });
  assert.deepEqual(errors, []);
});

test("the guide's quota walkthrough on the charts: the quota crossed, the alarm span, compaction, one member's defrag, disarm", async () => {
  const { page, errors } = await open(browser, { viewport: { width: 1440, height: 900 } });
  await page.getByTestId('tab-history').click();
  await type(page, 'etcd --quota-backend-bytes=$((16*1024*1024))');
  await type(page, 'while [ 1 ]; do dd if=/dev/urandom bs=1024 count=1024  | ETCDCTL_API=3 etcdctl put key  || break; done');
  await waitForOutput(page, /database space exceeded/, 300_000);
  await pause(page);
  await page.getByTestId('jump-1m').click();
  await waitForOutput(page, /\$ playground advance 1m\n/);
  const quota = await attr(page, 'chart-db-size', 'data-limit');
  assert.equal(quota, 16 * 1024 * 1024);
  const full = await legend(page, 'chart-db-size');
  assert.ok(full['infra1 db size'] >= quota, `db size ${full['infra1 db size']} against the quota ${quota}`);
  assert.equal(await attr(page, 'chart-db-size', 'data-alarm-spans'), 1);
  // Each member that refused a put over the quota raised its own NOSPACE alarm (etcd keeps one
  // per member): a span on its lane.
  const raised = await timeline(page, 'alarm');
  assert.ok(raised.length >= 1 && raised.every((a) => /alarm NOSPACE raised/.test(a.title)), JSON.stringify(raised));
  await page.screenshot({ path: join(SCREENSHOTS, 'history-quota-alarm.png') });

  await type(page, `rev=$(ETCDCTL_API=3 etcdctl --endpoints=:2379 endpoint status --write-out="json" | egrep -o '"revision":[0-9]*' | egrep -o '[0-9].*')`);
  await type(page, 'ETCDCTL_API=3 etcdctl compact $rev');
  await waitForOutput(page, /compacted revision \d+/);
  await page.getByTestId('jump-1m').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=terminal-output]')[0].innerText.split('playground advance 1m').length === 3);
  const compacted = await legend(page, 'chart-db-size');
  // As on real etcd 3.5.1 (shared/reference/02-quota.md: 15781888 → 13684736), compaction lowers
  // the size in use, by the revisions' pages bbolt could free at once.
  assert.ok(compacted['infra1 in use'] < full['infra1 in use'], `in use ${full['infra1 in use']} → ${compacted['infra1 in use']}`);
  assert.ok(compacted['infra1 db size'] >= quota, 'compaction alone does not shrink the file');

  // `etcdctl defrag` defragments its endpoint only: infra1.
  await type(page, 'ETCDCTL_API=3 etcdctl defrag');
  await waitForOutput(page, /Finished defragmenting etcd member\[127.0.0.1:2379\]/);
  await page.getByTestId('jump-1m').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal-output]').innerText.split('playground advance 1m').length === 4);
  const defrags = await timeline(page, 'defrag');
  assert.deepEqual(defrags.map((d) => d.member), ['infra1']);
  assert.ok(defrags[0].until > defrags[0].at, 'the defrag is a span: it blocks its member');
  assert.equal(await attr(page, 'chart-db-size', 'data-defrag-spans'), 1);
  const defragged = await legend(page, 'chart-db-size');
  assert.ok(defragged['infra1 db size'] < quota / 4, `infra1 ${defragged['infra1 db size']}`);
  for (const other of ['infra2', 'infra3']) {
    assert.equal(defragged[`${other} db size`], compacted[`${other} db size`], `${other} keeps its size`);
  }
  const nowMicros = () => page.evaluate(() => window.wasmBindings.page().state().nowMicros);
  const now = await nowMicros();
  assert.ok((await timeline(page, 'alarm')).every((a) => a.until === now), 'the alarm spans are open until disarmed');

  await type(page, 'ETCDCTL_API=3 etcdctl alarm disarm');
  // etcdctl 3.6 warns of ETCDCTL_API (an unrecognized variable) before the answer.
  await waitForOutput(page, /alarm disarm\n(?:.*unrecognized environment variable.*\n)?memberID:\d+ alarm:NOSPACE/);
  await page.getByTestId('jump-1m').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=terminal-output]').innerText.split('playground advance 1m').length === 5);
  const spans = await timeline(page, 'alarm');
  assert.equal(spans.length, raised.length);
  for (const span of spans) {
    assert.match(span.title, /alarm NOSPACE raised; alarm NOSPACE disarmed/);
    assert.ok(span.until < (await nowMicros()) - 30_000_000, 'the span ended at the disarm, not now');
  }
  assert.equal(await attr(page, 'chart-db-size', 'data-alarm-spans'), 1);
  await page.screenshot({ path: join(SCREENSHOTS, 'history-quota-walkthrough.png') });
  assert.deepEqual(errors, []);
});

test('--snapshot-count=100 with a killed follower: the sawtooth, and a snapshot sent and received', async () => {
  const { page, errors } = await open(browser);
  await pause(page);
  await page.getByTestId('tab-history').click();
  await type(page, 'etcd --snapshot-count=100');
  await waitForOutput(page, /serving client traffic insecurely[\s\S]*infra3/);
  // A follower, and not infra1: etcdctl's default endpoint is infra1's, and a put to a dead
  // endpoint waits out its timeout, as on real etcd.
  await page.waitForFunction(() => window.wasmBindings.page().state().members.some((m) => m.role === 'leader'));
  const follower = await page.evaluate(() => window.wasmBindings.page().state().members.find((m) => m.role === 'follower' && m.name !== 'infra1').name);
  await page.getByTestId(`member-${follower}-kill`).click();
  await waitForOutput(page, new RegExp(`\\$ playground kill ${follower}\\n`));
  // More than the 5,000 entries a leader keeps for followers to catch up from after a snapshot.
  await type(page, 'for i in $(seq 1 5300); do etcdctl put k$i v >/dev/null; done; echo written');
  await waitForOutput(page, /\nwritten\n/, 300_000);
  await page.getByTestId(`member-${follower}-restart`).click();
  await waitForOutput(page, new RegExp(`\\$ playground restart ${follower}\\n`));
  await page.getByTestId('jump-1m').click();
  await waitForOutput(page, /\$ playground advance 1m\n/);
  assert.equal(await attr(page, 'chart-raft-log', 'data-limit'), 100);
  assert.ok((await attr(page, 'chart-raft-log', 'data-marks')) >= 50, 'a snapshot every 100 entries');
  assert.ok((await attr(page, 'chart-raft-log', 'data-drops')) >= 10, 'the sawtooth');
  const snapshots = (await timeline(page, 'snapshot')).map((e) => `${e.member} ${e.title.replace(/^\S+ \S+ /, '')}`);
  assert.ok(snapshots.some((s) => s.includes(`sent to ${follower}`)), snapshots.join('\n'));
  assert.ok(snapshots.some((s) => s.startsWith(`${follower} `) && s.includes('received from')), snapshots.join('\n'));
  await page.screenshot({ path: join(SCREENSHOTS, 'history-snapshot-count.png') });
  assert.deepEqual(errors, []);
});

test('step runs to the next event; the alerts panel lists the mixin rules; both schemes draw', async () => {
  const { page, errors } = await open(browser);
  await page.getByTestId('tab-history').click();
  await page.getByTestId('member-infra1-kill').click();
  await waitForOutput(page, /\$ playground kill infra1\n/);
  const before = await page.evaluate(() => document.querySelectorAll('[data-testid=timeline-event]').length);
  await page.getByTestId('step').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=timeline-event]').length > n, before);
  assert.match(await page.getByTestId('play-pause').innerText(), /play/, 'step pauses');
  // Clicking an event moves the charts' cursor there: the legends read that instant.
  const last = page.locator('[data-testid=timeline-event]').last();
  await last.click();
  const at = Number(await last.getAttribute('data-at-micros'));
  const shown = await page.getByTestId('chart-db-size-legend').locator('.at').innerText();
  const s = Math.floor(at / 1e6);
  assert.equal(shown, `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m${String(s % 60).padStart(2, '0')}s`);
  // With infra1 down for its `for:`, etcdMembersDown fires.
  await page.getByTestId('jump-1h').click();
  await waitForOutput(page, /\$ playground advance 1h\n/);
  await page.getByTestId('tab-alerts').click();
  const names = await page.locator('[data-testid=alert-row]').evaluateAll((rows) => rows.map((r) => r.dataset.name));
  for (const rule of ['etcdMembersDown', 'etcdInsufficientMembers', 'etcdNoLeader', 'etcdHighNumberOfLeaderChanges',
    'etcdDatabaseQuotaLowSpace', 'etcdExcessiveDatabaseGrowth', 'etcdDatabaseHighFragmentationRatio']) {
    assert.ok(names.includes(rule), `${rule} in ${names}`);
  }
  assert.equal(await page.locator('[data-testid=alert-row][data-name=etcdMembersDown]').getAttribute('data-state'), 'firing');
  await page.getByTestId('tab-history').click();
  assert.ok((await timeline(page, 'alert')).some((a) => /etcdMembersDown firing/.test(a.title)));
  const scheme = () => page.evaluate(() => document.documentElement.dataset.scheme);
  const first = await scheme();
  assert.ok(['light', 'dark'].includes(first), first);
  await page.screenshot({ path: join(SCREENSHOTS, `history-${first}.png`) });
  await page.getByTestId('scheme-toggle').click();
  const second = await scheme();
  assert.deepEqual([first, second].sort(), ['dark', 'light']);
  await page.screenshot({ path: join(SCREENSHOTS, `history-${second}.png`) });
  // The choice is kept across a reload.
  await page.reload();
  await page.getByTestId('terminal-input').waitFor();
  assert.equal(await scheme(), second);
  assert.deepEqual(errors, []);
});

test("the mixin's Raft Proposals, Leader Elections and Disk Sync Duration: puts, a killed leader, a slow disk", async () => {
  const { page, errors } = await open(browser, { viewport: { width: 1440, height: 900 } });
  await pause(page);
  await page.getByTestId('tab-history').click();
  for (const chart of ['chart-raft-proposals', 'chart-leader-elections', 'chart-disk-sync']) {
    await page.getByTestId(chart).waitFor();
  }
  await page.waitForFunction(() => window.wasmBindings.page().state().members.some((m) => m.role === 'leader'));
  // A sample after the first election.
  await type(page, 'playground advance 1s');
  await waitForOutput(page, /\$ playground advance 1s\n/);
  const state = () => page.evaluate(() => window.wasmBindings.page().state());
  const leader = (await state()).members.find((m) => m.role === 'leader').name;
  const survivor = (await state()).members.find((m) => m.name !== leader && m.name !== 'infra1')?.name
    ?? (await state()).members.find((m) => m.name !== leader).name;
  const idle = await legend(page, 'chart-raft-proposals');
  const elected = await legend(page, 'chart-leader-elections');
  assert.ok(elected[`${survivor} leader elections`] >= 1, `the first election: ${JSON.stringify(elected)}`);
  const synced = await legend(page, 'chart-disk-sync');
  assert.equal(synced['infra2 WAL fsync'], 0.002, 'a 2 ms fsync, in seconds as the mixin charts it');

  // Writes spread over virtual time up to the newest sample: every member commits and applies them.
  await type(page, 'for i in $(seq 1 30); do etcdctl put k$i v >/dev/null; playground advance 100ms; done; echo written');
  await waitForOutput(page, /\nwritten\n/);
  const busy = await legend(page, 'chart-raft-proposals');
  for (const m of ['infra1', 'infra2', 'infra3']) {
    assert.ok(busy[`${m} commit rate`] > 0, `${m} commits: ${JSON.stringify(busy)}`);
    assert.ok(busy[`${m} apply rate`] > 0, `${m} applies: ${JSON.stringify(busy)}`);
    assert.ok(busy[`${m} commit rate`] <= 30, `no spike: ${busy[`${m} commit rate`]}`);
    assert.equal(busy[`${m} failure rate`], 0);
    // One client writes at a time: a sample taken while its put is in flight counts it.
    assert.ok([0, 1].includes(busy[`${m} pending`]), `${m} pending: ${busy[`${m} pending`]}`);
  }
  assert.ok(Object.values(idle).every((v) => Number.isNaN(v) || v >= 0), JSON.stringify(idle));
  await page.getByTestId('chart-raft-proposals').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'history-mixin-proposals.png') });

  // The leader killed: the others see a new leader elected.
  await page.getByTestId(`member-${leader}-kill`).click();
  await waitForOutput(page, new RegExp(`\\$ playground kill ${leader}\\n`));
  await type(page, 'playground advance 10s');
  await waitForOutput(page, /\$ playground advance 10s\n/);
  const reelected = await legend(page, 'chart-leader-elections');
  assert.ok(reelected[`${survivor} leader elections`] > elected[`${survivor} leader elections`], JSON.stringify(reelected));
  const down = await page.getByTestId('chart-leader-elections-legend').locator(`li[data-series="${leader} leader elections"]`).innerText();
  assert.match(down, /down/, 'a down member has no figure');
  // A down member's rates are a gap, not a zero; the survivors' stay non-negative.
  const after = await legend(page, 'chart-raft-proposals');
  assert.ok(Number.isNaN(after[`${leader} commit rate`]), JSON.stringify(after));
  assert.ok(after[`${survivor} commit rate`] >= 0);

  // The leader back, then a slow disk: its WAL fsync takes 500 times as long.
  await page.getByTestId(`member-${leader}-restart`).click();
  await waitForOutput(page, new RegExp(`\\$ playground restart ${leader}\\n`));
  await type(page, 'playground slow-disk infra2 500; playground advance 2s; echo slowed');
  await waitForOutput(page, /\nslowed\n/);
  const slow = await legend(page, 'chart-disk-sync');
  assert.equal(slow['infra2 WAL fsync'], 1, `1 s: ${JSON.stringify(slow)}`);
  assert.equal(slow['infra1 WAL fsync'], 0.002);
  assert.match(await page.getByTestId('chart-disk-sync-legend').locator('li[data-series="infra2 WAL fsync"]').innerText(), /1 s/);
  const restarted = await legend(page, 'chart-raft-proposals');
  assert.ok(restarted[`${leader} commit rate`] >= 0 && restarted[`${leader} commit rate`] < 100, `no spike after the restart: ${JSON.stringify(restarted)}`);
  await page.getByTestId('chart-disk-sync').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, 'history-mixin-1440.png') });

  // The page fits every size the layout is for, with no horizontal scroll, in both schemes.
  for (const [width, height] of [[1280, 760], [800, 600]]) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${width}x${height}: ${overflow} px of horizontal scroll`);
    await page.getByTestId('chart-leader-elections').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, `history-mixin-${width}.png`) });
  }
  await page.getByTestId('scheme-toggle').click();
  const scheme = await page.evaluate(() => document.documentElement.dataset.scheme);
  await page.setViewportSize({ width: 1280, height: 760 });
  await page.getByTestId('chart-disk-sync').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SCREENSHOTS, `history-mixin-${scheme}.png`) });
  assert.deepEqual(errors, []);
});
