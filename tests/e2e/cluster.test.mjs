// The cluster as a person drives it from the page: the member cards, virtual time, the
// maintenance guide's quota walkthrough with its gauges, and the JavaScript API.
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

const bytes = async (page, testid) => Number(await page.getByTestId(testid).getAttribute('data-bytes'));
const text = (page, testid) => page.getByTestId(testid).innerText();

/// Waits until the terminal output has `count` matches of `pattern`.
async function waitForOutput(page, pattern, count = 1) {
  await page.waitForFunction(
    ([source, flags, n]) => {
      const out = document.querySelector('[data-testid=terminal-output]')?.innerText ?? '';
      return (out.match(new RegExp(source, flags)) ?? []).length >= n;
    },
    [pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g', count],
    { timeout: 60_000 },
  );
}

test('three member cards show the cluster, and virtual time runs and pauses', async () => {
  const { page, errors } = await open(browser);
  await page.getByTestId('tab-log').click();
  for (const name of ['infra1', 'infra2', 'infra3']) {
    await page.getByTestId(`member-${name}`).waitFor();
    assert.equal(await text(page, `member-${name}-up`), 'up');
    assert.equal(await text(page, `member-${name}-term`), '2');
  }
  assert.match(await text(page, 'server-log'), /became leader at term 2/);
  const roles = await Promise.all(['infra1', 'infra2', 'infra3'].map((n) => text(page, `member-${n}-role`)));
  assert.deepEqual(roles.sort(), ['follower', 'follower', 'leader']);
  await type(page, 'etcdctl put foo bar');
  await waitForOutput(page, /^OK$/m);
  await page.waitForFunction(() => document.querySelector('[data-testid=member-infra2-revision]')?.innerText === '2');
  // Time runs while playing, and stops when paused.
  const before = await text(page, 'virtual-time');
  await page.waitForFunction((t) => document.querySelector('[data-testid=virtual-time]').innerText !== t, before);
  await page.getByTestId('play-pause').click();
  const paused = await text(page, 'virtual-time');
  await page.waitForTimeout(400);
  assert.equal(await text(page, 'virtual-time'), paused, 'paused time stands still');
  await page.getByTestId('play-pause').click();
  // A killed member shows down; restarted, up again.
  await type(page, 'playground kill infra3');
  await page.waitForFunction(() => document.querySelector('[data-testid=member-infra3-up]')?.innerText === 'down');
  await type(page, 'playground restart infra3');
  await page.waitForFunction(() => document.querySelector('[data-testid=member-infra3-up]')?.innerText === 'up');
  await page.screenshot({ path: join(SCREENSHOTS, 'members.png') });
  assert.deepEqual(errors, []);
});

test("the maintenance guide's quota walkthrough, with the gauges at each step", async () => {
  const { page, errors } = await open(browser);
  await page.getByTestId('tab-log').click();
  await page.getByTestId('member-infra1').waitFor();
  await type(page, 'etcd --quota-backend-bytes=$((16*1024*1024))');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=member-infra1-quota]')?.getAttribute('data-bytes') === '16777216',
  );
  await page.screenshot({ path: join(SCREENSHOTS, 'quota-1-before.png') });
  assert.equal(await text(page, 'member-infra1-alarms'), 'alarms: none');

  await type(page, 'while [ 1 ]; do dd if=/dev/urandom bs=1024 count=1024  | ETCDCTL_API=3 etcdctl put key  || break; done');
  await waitForOutput(page, /Error: etcdserver: mvcc: database space exceeded/);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=member-infra1-alarms]')?.innerText.includes('NOSPACE'),
  );
  const full = await bytes(page, 'member-infra1-db-size');
  assert.ok(full >= 14_000_000, `db size at the alarm: ${full}`);
  assert.match(await page.getByTestId('member-infra1-gauge').getAttribute('class'), /over/);
  await type(page, 'ETCDCTL_API=3 etcdctl --write-out=table endpoint status');
  await waitForOutput(page, /alarm:NOSPACE/);
  await type(page, 'ETCDCTL_API=3 etcdctl alarm list');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=server-log]')?.innerText.includes('alarm raised'),
  );
  await page.screenshot({ path: join(SCREENSHOTS, 'quota-2-alarm.png') });

  await type(page, `rev=$(ETCDCTL_API=3 etcdctl --endpoints=:2379 endpoint status --write-out="json" | egrep -o '"revision":[0-9]*' | egrep -o '[0-9].*')`);
  await type(page, 'ETCDCTL_API=3 etcdctl compact $rev');
  await waitForOutput(page, /^compacted revision \d+$/m);
  await type(page, 'ETCDCTL_API=3 etcdctl defrag --cluster');
  await waitForOutput(page, /Finished defragmenting etcd member\[http:\/\/127\.0\.0\.1:32379\]/);
  await type(page, 'ETCDCTL_API=3 etcdctl alarm disarm');
  await type(page, 'ETCDCTL_API=3 etcdctl put newkey 123');
  await waitForOutput(page, /^OK$/m, 2);
  for (const name of ['infra1', 'infra2', 'infra3']) {
    await page.waitForFunction(
      (n) => document.querySelector(`[data-testid=member-${n}-alarms]`)?.innerText === 'alarms: none',
      name,
    );
    const size = await bytes(page, `member-${name}-db-size`);
    assert.ok(size < 3_000_000, `${name} db size after defrag: ${size}`);
  }
  assert.doesNotMatch(await page.getByTestId('member-infra1-gauge').getAttribute('class'), /over/);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=server-log]')?.innerText.includes('alarm disarmed'),
  );
  await page.screenshot({ path: join(SCREENSHOTS, 'quota-3-recovered.png') });
  assert.match(await output(page), /memberID:\d+ alarm:NOSPACE/);
  assert.deepEqual(errors, []);
});

test('the JavaScript API runs commands, lets time pass and reports state', async () => {
  const { page, errors } = await open(browser);
  const result = await page.evaluate(() => {
    const p = new window.wasmBindings.Playground({ seed: 5, flags: ['--auto-compaction-retention=1'] });
    const put = p.exec('etcdctl put k v1 && etcdctl put k v2');
    const get = p.exec('etcdctl get k --print-value-only');
    const bad = p.exec('etcdctl get --rev=100 k');
    p.advance(2 * 3600 * 1000);
    const state = p.state();
    return { put, get, bad, state };
  });
  assert.deepEqual(result.put, { stdout: 'OK\nOK\n', stderr: '', status: 0 });
  assert.equal(result.get.stdout, 'v2\n');
  assert.equal(result.bad.status, 1);
  assert.match(result.bad.stderr, /Error: etcdserver: mvcc: required revision is a future revision/);
  assert.equal(result.state.members.length, 3);
  assert.ok(result.state.nowMicros >= 7_200_000_000);
  assert.ok(result.state.members.every((m) => m.revision === 3 && m.compactRevision >= 1), JSON.stringify(result.state));
  const thrown = await page.evaluate(() => {
    try {
      new window.wasmBindings.Playground({ flags: ['--bogus'] });
      return null;
    } catch (e) {
      return String(e);
    }
  });
  assert.match(thrown, /flag provided but not defined/);
  assert.deepEqual(errors, []);
});

test('wasmBindings.page() drives the playground the page shows, and refuses bad durations', async () => {
  const { page, errors } = await open(browser);
  await page.getByTestId('member-infra1').waitFor();
  const result = await page.evaluate(() => {
    const p = window.wasmBindings.page();
    const put = p.exec('etcdctl put from-js yes');
    const refused = [NaN, -1, Infinity, 8 * 24 * 3600 * 1000].map((ms) => {
      try {
        p.advance(ms);
        return null;
      } catch (e) {
        return String(e);
      }
    });
    return { put, refused, revision: p.state().members[0].revision };
  });
  assert.deepEqual(result.put, { stdout: 'OK\n', stderr: '', status: 0 });
  assert.ok(result.refused.every((e) => e && /advance: /.test(e)), JSON.stringify(result.refused));
  // The member cards show the write made through the API.
  await page.waitForFunction(
    (rev) => document.querySelector('[data-testid=member-infra1-revision]')?.innerText === String(rev),
    result.revision,
  );
  assert.equal(result.revision, 2);
  // Pausing through the API pauses the page's clock.
  await page.evaluate(() => window.wasmBindings.page().setPlaying(false));
  await page.waitForFunction(() => document.querySelector('[data-testid=play-pause]')?.innerText.includes('play'));
  const paused = await text(page, 'virtual-time');
  await page.waitForTimeout(400);
  assert.equal(await text(page, 'virtual-time'), paused);
  // What the terminal does shows in the state the API reads.
  await type(page, 'etcdctl put from-terminal yes');
  await waitForOutput(page, /^OK$/m);
  const after = await page.evaluate(() => window.wasmBindings.page().state().members[0].revision);
  assert.equal(after, 3);
  assert.deepEqual(errors, []);
});
