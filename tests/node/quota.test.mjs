// The headless package (dist/pkg, built by `cargo xtask build`) in Node: the maintenance guide's
// space-quota walkthrough through the JavaScript API, with no page, checked on the typed objects
// state() and events() return.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initSync, Playground } from '../../dist/pkg/etcd_playground.js';

initSync({ module: readFileSync(new URL('../../dist/pkg/etcd_playground_bg.wasm', import.meta.url)) });

const QUOTA = 16 * 1024 * 1024;
/** One second of virtual time: the followers apply with the leader's next heartbeat. */
const SETTLE_MS = 1_000;

/** The lines of `text`, each ended by a newline. */
function lines(text) {
  assert.ok(text.endsWith('\n'), JSON.stringify(text));
  return text.slice(0, -1).split('\n');
}

function ok(result, line) {
  assert.equal(result.status, 0, `${line}\n${result.stdout}${result.stderr}`);
  return result;
}

test("the guide's quota walkthrough, headless: NOSPACE on every member, then compact, defrag, disarm", () => {
  // etcd 3.5: the outputs asserted here are 3.5.1's (02-quota.md), e.g. defrag without `took`.
  const p = new Playground({ seed: 7, etcdVersion: '3.5', flags: [`--quota-backend-bytes=${QUOTA}`] });
  const run = (line) => ok(p.exec(line), line);
  const settle = () => {
    p.advance(SETTLE_MS);
    return p.state();
  };
  const start = p.state();
  assert.equal(typeof start, 'object');
  assert.deepEqual(start.members.map((m) => m.name), ['infra1', 'infra2', 'infra3']);
  for (const m of start.members) {
    assert.equal(m.quota, QUOTA);
    assert.deepEqual(m.alarms, []);
  }
  const startRevision = start.members[0].revision;

  const fill = run('while [ 1 ]; do dd if=/dev/urandom bs=1024 count=1024 | ETCDCTL_API=3 etcdctl put key || break; done');
  assert.match(fill.stderr, /Error: etcdserver: mvcc: database space exceeded\n$/);
  const puts = lines(fill.stdout).length;
  assert.ok(puts > 0 && lines(fill.stdout).every((line) => line === 'OK'), fill.stdout);
  const full = settle();
  // Every member refused a put over the quota and raised its own alarm; each store holds all.
  const alarms = full.members.map((m) => `NOSPACE:${m.id}`).sort();
  // A put that crosses the quota while applied is kept and answered with NOSPACE (etcd's quota
  // applier), one refused before raft is not: the revision is one of the two.
  const revision = full.members[0].revision;
  assert.ok([startRevision + puts, startRevision + puts + 1].includes(revision), `revision ${revision}`);
  for (const m of full.members) {
    assert.equal(m.revision, revision, m.name);
    assert.deepEqual([...m.alarms].sort(), alarms, m.name);
    assert.ok(m.dbSize >= QUOTA, `${m.name} db size ${m.dbSize} against the quota ${QUOTA}`);
  }
  // The IDs `alarm list` prints in decimal are the members' hex IDs.
  const listed = run('ETCDCTL_API=3 etcdctl alarm list').stdout;
  const expected = full.members.map((m) => `memberID:${BigInt(`0x${m.id}`)} alarm:NOSPACE `).sort();
  assert.deepEqual(lines(listed).sort(), expected);

  run(`rev=$(ETCDCTL_API=3 etcdctl --endpoints=:2379 endpoint status --write-out="json" | egrep -o '"revision":[0-9]*' | egrep -o '[0-9].*')`);
  assert.equal(run('ETCDCTL_API=3 etcdctl compact $rev').stdout, `compacted revision ${revision}\n`);
  const compacted = settle();
  // As on real etcd 3.5.1's cluster (shared/reference/02-quota.md): the file keeps its size,
  // and every member's size in use comes to the same figure, below what the followers held.
  const inUse = compacted.members[0].dbSizeInUse;
  assert.ok(inUse < Math.max(...full.members.map((m) => m.dbSizeInUse)), `in use ${inUse}`);
  for (const [i, m] of compacted.members.entries()) {
    assert.equal(m.compactRevision, revision, m.name);
    assert.equal(m.dbSizeInUse, inUse, m.name);
    assert.equal(m.dbSize, full.members[i].dbSize, `${m.name}: compaction alone does not shrink the file`);
  }

  // `etcdctl defrag` defragments its endpoint only: infra1; `--cluster` every member.
  assert.equal(run('ETCDCTL_API=3 etcdctl defrag').stdout, 'Finished defragmenting etcd member[127.0.0.1:2379]\n');
  const defragged = settle();
  assert.ok(defragged.members[0].dbSize < QUOTA / 4, `infra1 ${defragged.members[0].dbSize}`);
  assert.equal(defragged.members[1].dbSize, compacted.members[1].dbSize);
  assert.equal(defragged.members[2].dbSize, compacted.members[2].dbSize);
  run('ETCDCTL_API=3 etcdctl defrag --cluster');
  for (const m of settle().members) {
    assert.ok(m.dbSize < QUOTA / 4, `${m.name} ${m.dbSize}`);
  }

  assert.deepEqual(lines(run('ETCDCTL_API=3 etcdctl alarm disarm').stdout).sort(), expected);
  run('ETCDCTL_API=3 etcdctl put newkey 123');
  const recovered = settle();
  for (const m of recovered.members) {
    assert.deepEqual(m.alarms, [], m.name);
    assert.equal(m.revision, revision + 1, m.name);
  }

  const events = p.events(0);
  const kinds = events.map((e) => e.kind.type);
  assert.ok(kinds.includes('alarmRaised') && kinds.includes('alarmDisarmed'), kinds.join());
  const defrag = events.find((e) => e.kind.type === 'defragFinished');
  assert.equal(defrag.member, 'infra1');
  assert.equal(defrag.command, 'etcdctl defrag');
  assert.ok(defrag.kind.sizeAfter < defrag.kind.sizeBefore, JSON.stringify(defrag));
  const compaction = events.find((e) => e.kind.type === 'compactionScheduled');
  assert.deepEqual(compaction.kind, { type: 'compactionScheduled', revision, mode: 'manual' });
  assert.deepEqual(p.events(events.at(-1).seq), []);
});

test('bad options and durations throw and change nothing', () => {
  assert.throws(() => new Playground({ flags: ['--bogus'] }), /flag provided but not defined/);
  assert.throws(() => new Playground({ etcdVersion: '3.4' }), /etcdVersion "3.4" is not 3.5 or 3.6/);
  const p = new Playground();
  const before = p.state();
  assert.throws(() => p.advance(-1), /advance: -1 is not a duration in milliseconds/);
  assert.deepEqual(p.state(), before);
});
