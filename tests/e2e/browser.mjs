// Launching Debian's Chromium for the end-to-end tests (never a downloaded browser), and the
// page under test: BASE_URL, which `cargo xtask test` sets to the page it serves.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'target', 'e2e');
mkdirSync(SCREENSHOTS, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/// Opens the page and returns it with the errors it logs; a test fails on any.
export async function open(browser, { path = '/', viewport = { width: 1280, height: 760 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(path, BASE_URL).href);
  await page.getByTestId('terminal-input').waitFor();
  return { page, context, errors };
}

/// Types a command as a person would, then Enter.
export async function type(page, line) {
  const input = page.getByTestId('terminal-input');
  await input.click();
  await input.pressSequentially(line, { delay: 0 });
  await input.press('Enter');
}

export const output = (page) => page.getByTestId('terminal-output').innerText();
