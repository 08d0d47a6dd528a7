// Hostile input never kills the page: inputs that once crashed the engine or exhausted the tab
// get an error and the terminal still answers; and if the engine ever fails anyway, the page
// reloads into a fresh playground with the scrollback and history kept (web/src/recovery.rs).
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

/// Puts a long line in the input (typing 70,000 characters key by key would take minutes).
async function enter(page, line) {
  const input = page.getByTestId('terminal-input');
  // The previous input may still be running (a week of virtual time takes seconds of wall
  // time, more on a loaded machine): the press waits for the page, bounded by the test's budget.
  await input.fill(line, { timeout: 300_000 });
  await input.press('Enter', { timeout: 300_000 });
}

/// Waits until `etcdctl put` answers OK once more than `before` times.
async function putAnswers(page, before) {
  await page.waitForFunction(
    (n) => (document.querySelector('[data-testid=terminal-output]').innerText.match(/^OK$/gm) ?? []).length > n,
    before,
    { timeout: 120_000 },
  );
}

test('crash, memory and hang inputs get an error and the page still answers etcdctl', async () => {
  const { page, errors } = await open(browser);
  const nested = 'x=1; echo ' + '${x:-'.repeat(2700) + 'y' + '}'.repeat(2700);
  const inputs = [
    "printf '%.65536f' 1 | wc -c",
    "printf '%.70000e' 1 | wc -c",
    "printf '%.70000g' 1",
    'seq 1 1.' + '0'.repeat(69999) + '1 | wc -l',
    nested,
    'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done',
    "printf '%3000000000s' x | wc -c",
    'seq 1e300 1e300 | wc -c',
    'for i in 1 2 3; do sleep 7d; done',
  ];
  for (const line of inputs) {
    await enter(page, line);
  }
  await type(page, 'etcdctl put a 1');
  await putAnswers(page, 0);
  // Long echoed lines are cut so that a failure prints something readable.
  const text = (await output(page))
    .split('\n')
    .map((line) => (line.length > 200 ? line.slice(0, 200) + '…' : line))
    .join('\n');
  const expected = [
    /\n65538\n/, // "1." and 65,536 digits
    /\n70006\n/,
    /expression nested too deeply/,
    /bash: stopped: variables would hold more than 67108864 bytes/,
    /\$ printf '%3000000000s' x \| wc -c\n0\n/, // C's printf refuses a field past INT_MAX
    /\$ seq 1e300 1e300 \| wc -c\n302\n/,
    /bash: stopped: more than 168 hours of virtual time in one input/,
    /\$ etcdctl put a 1\nOK\n/,
  ];
  for (const pattern of expected) {
    assert.match(text, pattern);
  }
  await page.screenshot({ path: join(SCREENSHOTS, 'hostile-inputs.png') });
  assert.deepEqual(errors, []);
});

test('an engine failure reloads a fresh playground with the scrollback and history kept', async () => {
  const { page } = await open(browser);
  await type(page, 'etcdctl put before crash');
  await putAnswers(page, 0);
  // As a bug would: a panic while the page's playground is borrowed, so every later call fails.
  const thrown = await page.evaluate(() => {
    try {
      wasmBindings.simulateEngineFailure();
      return null;
    } catch (e) {
      return String(e);
    }
  });
  assert.match(thrown ?? '', /unreachable|RuntimeError/);
  await page.getByText('a fresh playground was started').waitFor({ timeout: 30_000 });
  await page.getByTestId('terminal-input').waitFor();
  const text = await output(page);
  assert.match(text, /\$ etcdctl put before crash\nOK\n/);
  assert.match(text, /etcd-playground: the engine stopped: /);
  // A fresh cluster: the key written before the failure is gone, and the terminal works.
  await type(page, 'etcdctl get before --print-value-only | wc -l; etcdctl put after 1');
  await putAnswers(page, 1);
  assert.match(await output(page), /\n0\nOK\n$/);
  // History came back with the page: ↑ recalls the commands typed before the failure.
  const input = page.getByTestId('terminal-input');
  await input.press('ArrowUp');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'etcdctl put before crash');
  await page.screenshot({ path: join(SCREENSHOTS, 'recovered.png') });
});
