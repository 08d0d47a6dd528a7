// The package's TypeScript declarations say what the API returns: a typed example type-checks
// with tsc --noEmit (TypeScript from node_modules), and the same example with one field name
// or event tag misspelled does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = fileURLToPath(new URL('typed-example.ts', import.meta.url));

function tsc(file) {
  const args = ['--noEmit', '--strict', '--target', 'esnext', '--module', 'esnext', '--moduleResolution', 'bundler', file];
  const result = spawnSync(`${root}node_modules/.bin/tsc`, args, { encoding: 'utf8' });
  assert.equal(result.error, undefined, `tsc: ${result.error}`);
  return { status: result.status, output: result.stdout + result.stderr };
}

/** The example with `from` replaced by `to`, at the same depth (its imports are relative). */
function variant(name, from, to) {
  const source = readFileSync(example, 'utf8');
  assert.ok(source.includes(from), `${from} in the example`);
  const dir = `${root}target/tsc`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}.ts`;
  writeFileSync(file, source.replace(from, to));
  return file;
}

test('the typed example type-checks against dist/pkg/etcd_playground.d.ts', () => {
  const { status, output } = tsc(example);
  assert.equal(status, 0, output);
});

test('a misspelled state field does not type-check', () => {
  const { status, output } = tsc(variant('misspelled-field', 'in use ${m.dbSizeInUse}', 'in use ${m.dbSizeInuse}'));
  assert.notEqual(status, 0);
  assert.match(output, /misspelled-field.ts.*Property 'dbSizeInuse' does not exist on type 'MemberState'/);
});

test('an event tag that does not exist, or a field of another kind, does not type-check', () => {
  const tag = tsc(variant('misspelled-tag', "event.kind.type === 'defragFinished'", "event.kind.type === 'defragFinshed'"));
  assert.notEqual(tag.status, 0);
  assert.match(tag.output, /misspelled-tag.ts.*TS2367: .*'"defragFinshed"' have no overlap/);
  const field = tsc(variant('wrong-kind', "event.kind.type === 'defragFinished'", "event.kind.type === 'defragStarted'"));
  assert.notEqual(field.status, 0);
  assert.match(field.output, /wrong-kind.ts.*Property 'sizeAfter' does not exist on type '{ type: "defragStarted"; sizeBefore: number; }'/);
});
