// A TypeScript user of the package: tests/node/types.test.mjs type-checks this file against
// dist/pkg's .d.ts with tsc --noEmit, and a copy with one field misspelled, which must fail.
import { initSync, Playground } from '../../dist/pkg/etcd_playground.js';
import type { ExecResult, MemberState, PlaygroundEvent, PlaygroundState } from '../../dist/pkg/etcd_playground.js';

export function quotaReport(wasm: BufferSource): string[] {
  initSync({ module: wasm });
  const p = new Playground({ seed: 7, flags: ['--quota-backend-bytes=16777216'] });
  const put: ExecResult = p.exec('etcdctl put foo bar');
  const lines: string[] = [`put: ${put.status} ${put.stdout}${put.stderr}`];
  p.advance(1_000);
  const state: PlaygroundState = p.state();
  const leader: MemberState | undefined = state.members.find((m) => m.role === 'leader');
  lines.push(`leader ${leader?.name ?? 'none'} at ${state.nowMicros}`);
  for (const m of state.members) {
    lines.push(`${m.name} ${m.id} rev ${m.revision}/${m.compactRevision} db ${m.dbSize} in use ${m.dbSizeInUse} ${m.alarms.join(',')}`);
  }
  const events: PlaygroundEvent[] = p.events(0);
  for (const event of events) {
    // The tag narrows the kind to its own fields.
    if (event.kind.type === 'defragFinished') {
      lines.push(`${event.member ?? 'cluster'} defrag ${event.kind.sizeBefore} -> ${event.kind.sizeAfter}`);
    }
  }
  for (const alert of p.alerts()) {
    if (alert.state === 'firing') lines.push(`${alert.name} since ${alert.sinceMicros}`);
  }
  return lines;
}
