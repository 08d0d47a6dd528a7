// A TypeScript user of the package: tests/node/types.test.mjs type-checks this file against
// dist/pkg's .d.ts with tsc --noEmit, and a copy with one field misspelled, which must fail.
import { initSync, Playground } from '../../dist/pkg/etcd_playground.js';
import type { ExecResult, LessonGoal, LessonState, MemberState, PlaygroundEvent, PlaygroundState } from '../../dist/pkg/etcd_playground.js';

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

/** A lesson followed headless: which goals the engine meets after each step's commands. */
export function lessonReport(lessonText: string): string[] {
  const p = new Playground();
  p.openLesson(lessonText);
  const lines: string[] = [];
  let lesson: LessonState | undefined = p.lesson();
  for (const step of lesson?.steps ?? []) {
    for (const line of step.solution) p.exec(line);
    p.advance(2_000);
    lesson = p.lesson();
    const goals: LessonGoal[] = lesson?.steps.find((s) => s.title === step.title)?.goals ?? [];
    lines.push(`${step.title}: ${goals.map((g) => `${g.met ? '✓' : '○'} ${g.goal}`).join(', ')}`);
  }
  lines.push(`done ${lesson?.done} of ${lesson?.steps.length}, complete ${lesson?.complete}`);
  return lines;
}
