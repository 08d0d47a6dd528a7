// Frame times of the page in headless Chromium, for `cargo xtask bench` (figures printed, never
// asserted; not a test file, so `cargo xtask test` does not run it): requestAnimationFrame
// deltas measured in the page while the maintenance guide's fill loop runs in its terminal, and
// while virtual time runs at 600x for a minute. Target: p95 under 16 ms.
import { launch, open, type } from '../browser.mjs';

const FILL_LOOP = 'while [ 1 ]; do dd if=/dev/urandom bs=1024 count=1024 | etcdctl put key || break; done';
const FAST_SECONDS = Number(process.env.FRAME_BENCH_SECONDS ?? 60);

/// Starts recording rAF deltas in the page (ms between consecutive frames).
async function startRecording(page) {
  await page.evaluate(() => {
    window.__frames = [];
    window.__recording = true;
    let last;
    const frame = (t) => {
      if (last !== undefined) window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

/// Stops recording; waits one more frame so the last long one is counted.
async function stopRecording(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return page.evaluate(() => {
    window.__recording = false;
    return window.__frames;
  });
}

function summary(name, frames, extra = '') {
  const sorted = [...frames].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  // Over 20 ms: at 60 Hz, a frame was missed.
  const over = frames.filter((d) => d > 20).length;
  console.log(
    `${name}: p95 ${pick(0.95).toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms, ` +
      `median ${pick(0.5).toFixed(1)} ms (${frames.length} frames, ${over} over 20 ms${extra})`,
  );
}

const browser = await launch();
try {
  {
    const { page, errors } = await open(browser);
    await page.getByTestId('member-infra1').waitFor();
    await type(page, 'etcd --quota-backend-bytes=$((16*1024*1024))');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=member-infra1-quota]')?.getAttribute('data-bytes') === '16777216',
    );
    // A second of idle frames first: the baseline the loop's frames are seen against.
    await startRecording(page);
    await page.waitForTimeout(1000);
    summary('frame time, page idle at 1x (1 s)', await stopRecording(page));
    // The line is in place before recording starts: the frames are the loop's, not typing's.
    const input = page.getByTestId('terminal-input');
    await input.fill(FILL_LOOP);
    await startRecording(page);
    const started = Date.now();
    await input.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=terminal-output]')?.innerText.includes('database space exceeded'),
      null,
      { timeout: 300_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    // The gauges and cards catch up in the frames after the loop returns.
    await page.waitForTimeout(500);
    summary("frame time while the guide's 16 MiB fill loop runs in the terminal", await stopRecording(page), `, ${seconds.toFixed(2)} s from Enter to the alarm, +0.5 s after`);
    if (errors.length) console.log(`page errors: ${errors.join(' | ')}`);
    await page.context().close();
  }
  {
    const { page, errors } = await open(browser);
    await page.getByTestId('member-infra1').waitFor();
    const clock = () => page.getByTestId('virtual-time').innerText();
    await page.getByTestId('speed').selectOption('600');
    const before = await clock();
    await startRecording(page);
    await page.waitForTimeout(FAST_SECONDS * 1000);
    const frames = await stopRecording(page);
    summary(`frame time with virtual time at 600x for ${FAST_SECONDS} s`, frames, `, virtual clock ${before} -> ${await clock()}`);
    if (errors.length) console.log(`page errors: ${errors.join(' | ')}`);
    await page.context().close();
  }
} finally {
  await browser.close();
}
