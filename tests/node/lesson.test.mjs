// A lesson followed headless through the package's JavaScript API (openLesson, lesson): each
// step's goals unmet before its reference commands and met after; a broken lesson file throws
// its error with the line and leaves the playground as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initSync, Playground } from '../../dist/pkg/etcd_playground.js';

initSync({ module: readFileSync(new URL('../../dist/pkg/etcd_playground_bg.wasm', import.meta.url)) });

const lessonText = (id) => readFileSync(new URL(`../../static/lessons/${id}.lesson`, import.meta.url), 'utf8');

test('the history compaction lesson, headless: goals met step by step', () => {
  const p = new Playground();
  p.openLesson(lessonText('history-compaction'));
  let lesson = p.lesson();
  assert.equal(lesson.id, 'history-compaction');
  assert.equal(lesson.etcd, '3.6');
  for (const [i, step] of lesson.steps.entries()) {
    assert.equal(p.lesson().steps[i].state, 'current');
    assert.ok(p.lesson().steps[i].goals.every((g) => !g.met), JSON.stringify(p.lesson().steps[i]));
    for (const line of step.solution) assert.equal(p.exec(line).status, 0, line);
    p.advance(1_000);
    lesson = p.lesson();
    assert.equal(lesson.steps[i].state, 'done', JSON.stringify(lesson.steps[i]));
    assert.ok(lesson.steps[i].goals.every((g) => g.met));
  }
  assert.equal(lesson.complete, true);
  assert.ok(p.state().members.every((m) => m.compactRevision === 3));
});

test('a broken lesson file throws with its line and changes nothing', () => {
  const p = new Playground();
  assert.equal(p.exec('etcdctl put kept 1').status, 0);
  assert.throws(
    () => p.openLesson('lesson: x\ntitle: X\nstep: S\ngoal: every member db-sise < 2MB\n'),
    /lesson line 4: goal: unknown field "db-sise"/,
  );
  assert.equal(p.lesson(), undefined);
  assert.equal(p.exec('etcdctl get kept --print-value-only').stdout, '1\n');
});
