// Lessons as a trainee meets them: the picker, the space quota lesson followed step by step by
// typing its commands, each goal's ✓ appearing as the engine meets it, the progress still there
// after a reload, and a broken lesson file shown with the line it broke on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, open, type, SCREENSHOTS } from './browser.mjs';

const LESSONS = join(import.meta.dirname, '..', '..', 'static', 'lessons');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/// Each step's `run:` lines, in the file's order.
function solution(file) {
  const steps = [];
  for (const line of readFileSync(join(LESSONS, file), 'utf8').split('\n')) {
    if (line.startsWith('step:')) steps.push([]);
    else if (line.startsWith('run:')) steps.at(-1).push(line.slice(4).trim());
  }
  return steps;
}

const goals = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=lesson-step]')].map((step) => ({
      state: step.dataset.state,
      met: [...step.querySelectorAll('[data-testid=lesson-goal]')].map((g) => g.dataset.met),
    })),
  );

async function followSteps(page, steps, from, to) {
  for (let i = from; i < to; i++) {
    const before = await goals(page);
    assert.equal(before[i].state, 'current', `step ${i + 1} is the current one`);
    assert.ok(before[i].met.every((m) => m === 'false'), `no goal of step ${i + 1} is met before its commands: ${JSON.stringify(before[i])}`);
    for (const line of steps[i]) await type(page, line);
    await page.locator(`[data-testid=lesson][data-done="${i + 1}"]`).waitFor({ timeout: 120_000 });
    const after = await goals(page);
    assert.equal(after[i].state, 'done');
    assert.ok(after[i].met.every((m) => m === 'true'), JSON.stringify(after[i]));
    await page.screenshot({ path: join(SCREENSHOTS, `lesson-space-quota-step${i + 1}.png`) });
  }
}

test('the space quota lesson, typed step by step, with its progress kept across a reload', async () => {
  const { page, context, errors } = await open(browser, { viewport: { width: 1440, height: 900 } });
  const items = page.getByTestId('lesson-item');
  await items.first().waitFor();
  const ids = await items.evaluateAll((els) => els.map((e) => e.dataset.lessonId));
  assert.deepEqual(ids, [
    'the-playground', 'raft-log-retention', 'history-compaction', 'auto-compaction',
    'defragmentation', 'space-quota', 'snapshot-backup',
  ]);
  await page.screenshot({ path: join(SCREENSHOTS, 'lesson-picker.png') });

  const steps = solution('space-quota.lesson');
  await page.locator('[data-testid=lesson-item][data-lesson-id=space-quota]').click();
  await page.getByTestId('lesson').waitFor();
  assert.match(await page.getByTestId('terminal-output').innerText(), /# lesson: Space quota/);
  await followSteps(page, steps, 0, 2);

  // A reload: the two steps done are still done, and the cluster is brought back to them.
  await page.reload();
  await page.getByTestId('terminal-input').waitFor();
  const item = page.locator('[data-testid=lesson-item][data-lesson-id=space-quota]');
  await item.waitFor();
  assert.equal(await item.getAttribute('data-done'), '2');
  assert.match(await item.innerText(), /2\/5/);
  await item.click();
  await page.locator('[data-testid=lesson][data-done="2"]').waitFor({ timeout: 120_000 });
  const resumed = await goals(page);
  assert.deepEqual(resumed.map((s) => s.state), ['done', 'done', 'current', 'later', 'later']);
  await followSteps(page, steps, 2, steps.length);
  await page.getByTestId('lesson-complete').waitFor();
  const state = await page.evaluate(() => window.wasmBindings.page().state());
  assert.ok(state.members.every((m) => m.alarms.length === 0 && m.dbSize < 4_000_000), JSON.stringify(state.members));

  await page.reload();
  await page.getByTestId('terminal-input').waitFor();
  await item.waitFor();
  assert.equal(await item.getAttribute('data-done'), '5');
  assert.match(await item.innerText(), /✓/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('?lesson=ID opens a lesson; a broken lesson file is listed with the line it broke on', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  const page = await context.newPage();
  await page.route('**/static/lessons/index.txt', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: (await response.text()) + 'broken.lesson\n' });
  });
  await page.route('**/static/lessons/broken.lesson', (route) =>
    route.fulfill({ body: 'lesson: broken\ntitle: Broken\nstep: One\ngoal: every member db-sise < 2MB\n' }),
  );
  await page.goto(new URL('/?lesson=history-compaction', process.env.BASE_URL ?? 'http://127.0.0.1:8080').href);
  await page.locator('[data-testid=lesson][data-lesson-id=history-compaction]').waitFor();
  await page.getByTestId('lesson-close').click();
  const error = page.getByTestId('lesson-error');
  await error.waitFor();
  assert.match(await error.innerText(), /broken\.lesson: lesson line 4: goal: unknown field "db-sise"/);
  await page.screenshot({ path: join(SCREENSHOTS, 'lesson-broken-file.png') });
  await context.close();
});
