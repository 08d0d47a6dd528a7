// The terminal as a person uses it: typing, history, keys, completion, errors, paste.
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

test('a pipeline typed into the terminal prints its result', async () => {
  const { page, errors } = await open(browser);
  await type(page, 'for i in $(seq 1 3); do echo line $i; done | wc -l');
  await page.getByTestId('terminal-output').getByText(/^3$/m).waitFor();
  const text = await output(page);
  assert.match(text, /\$ for i in \$\(seq 1 3\); do echo line \$i; done \| wc -l\n3\n/);
  await page.screenshot({ path: join(SCREENSHOTS, 'terminal.png') });
  assert.deepEqual(errors, []);
});

test('stderr is shown apart from stdout', async () => {
  const { page, errors } = await open(browser);
  await type(page, 'echo fine; cat nosuchfile');
  const stderr = page.locator('[data-testid=terminal-output] .stderr');
  await stderr.waitFor();
  assert.equal(await stderr.innerText(), 'cat: nosuchfile: No such file or directory\n');
  const colours = await page.evaluate(() => {
    const style = (s) => getComputedStyle(document.querySelector(s)).color;
    return [style('.output .stdout'), style('.output .stderr')];
  });
  assert.notEqual(colours[0], colours[1]);
  assert.deepEqual(errors, []);
});

test('history survives a reload and comes back with the arrow keys', async () => {
  const { page, errors } = await open(browser);
  await type(page, 'echo first');
  await type(page, 'echo second');
  await page.reload();
  const input = page.getByTestId('terminal-input');
  await input.waitFor();
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'echo second');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'echo first');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  assert.equal(await input.inputValue(), '');
  await type(page, 'history 2');
  assert.match(await output(page), /\d+ {2}echo second\n\s+\d+ {2}history 2\n/);
  assert.deepEqual(errors, []);
});

test('Ctrl-C abandons the line, Ctrl-L and clear empty the screen', async () => {
  const { page, errors } = await open(browser);
  const input = page.getByTestId('terminal-input');
  await input.pressSequentially('echo never');
  await input.press('Control+c');
  assert.equal(await input.inputValue(), '');
  assert.match(await output(page), /\$ echo never\^C\n/);
  assert.doesNotMatch(await output(page), /^never$/m);
  await input.press('Control+l');
  assert.equal((await output(page)).trim(), '');
  await type(page, 'echo a; clear; echo b');
  assert.equal((await output(page)).trim(), 'b');
  assert.deepEqual(errors, []);
});

test('Tab completes commands and flags', async () => {
  const { page, errors } = await open(browser);
  const input = page.getByTestId('terminal-input');
  await input.pressSequentially('ech');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'echo ');
  await input.fill('seq -');
  await input.press('Tab');
  assert.match(await output(page), /-s {2}-w/);
  assert.deepEqual(errors, []);
});

test('an open quote asks for more, as bash does', async () => {
  const { page, errors } = await open(browser);
  await type(page, 'echo "one');
  assert.equal((await page.getByTestId('terminal-prompt').innerText()).trim(), '>');
  await type(page, 'two"');
  assert.match(await output(page), /\$ echo "one\n> two"\none\ntwo\n/);
  assert.equal((await page.getByTestId('terminal-prompt').innerText()).trim(), '$');
  assert.deepEqual(errors, []);
});

test('bad input gets an error and the terminal stays usable', async () => {
  const { page, errors } = await open(browser);
  await type(page, 'echo $((1/0))');
  await type(page, 'nosuchcommand');
  await type(page, 'while true; do :; done');
  await page.getByText('stopped after 1000000 commands').waitFor({ timeout: 60_000 });
  await type(page, 'echo still here');
  const text = await output(page);
  assert.match(text, /bash: 1\/0: division by 0 \(error token is "0"\)/);
  assert.match(text, /bash: nosuchcommand: command not found/);
  assert.match(text, /\nstill here\n/);
  assert.deepEqual(errors, []);
});

test('a pasted block runs line by line', async () => {
  const { page, errors } = await open(browser);
  const input = page.getByTestId('terminal-input');
  await input.click();
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text', 'x=$((16*1024*1024))\necho $x\necho pending');
    const input = document.querySelector('[data-testid=terminal-input]');
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  assert.match(await output(page), /\$ echo \$x\n16777216\n/);
  assert.equal(await input.inputValue(), 'echo pending');
  assert.deepEqual(errors, []);
});

test('the newest output stays in view', async () => {
  const { page, errors } = await open(browser);
  await type(page, 'seq 1 300');
  await page.getByTestId('terminal-output').getByText(/^300$/m).waitFor();
  await page.waitForTimeout(100);
  const gap = await page.evaluate(() => {
    const scroll = document.querySelector('.terminal .scroll');
    return scroll.scrollHeight - scroll.clientHeight - scroll.scrollTop;
  });
  assert.ok(gap < 40, `the view is ${gap}px above the bottom`);
  assert.ok(await page.getByTestId('terminal-input').isVisible());
  assert.deepEqual(errors, []);
});

test('the page reads well on a phone', async () => {
  const { page, errors } = await open(browser, { viewport: { width: 390, height: 844 } });
  await type(page, 'seq 1 3 | wc -l');
  const box = await page.getByTestId('terminal').boundingBox();
  assert.ok(box.width <= 390, `terminal is ${box.width}px wide`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'the page scrolls sideways');
  await page.screenshot({ path: join(SCREENSHOTS, 'terminal-phone.png') });
  assert.deepEqual(errors, []);
});
