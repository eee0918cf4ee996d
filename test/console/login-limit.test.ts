// The sign-in rate limit as the console shows it. Needs the built console,
// like console.test.ts.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';

import { launchBrowser } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { byTest, expectConsoleServed } from './page-helpers.js';

// A low limit reaches 429 in a few attempts instead of the default ten.
const ATTEMPTS_PER_MINUTE = 2;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ env: { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: String(ATTEMPTS_PER_MINUTE) } });
  await expectConsoleServed(`${server.listenUrl}/`);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

test('login shows the rate-limit error', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.listenUrl}/`);
  await page.locator('input[name="username"]').fill('admin');
  await page.locator('input[name="password"]').fill('not-the-password');
  const error = byTest(page, 'login-error');

  for (let attempt = 1; attempt <= ATTEMPTS_PER_MINUTE; attempt += 1) {
    await byTest(page, 'login-submit').click();
    await expect.poll(() => error.textContent()).toContain('Wrong username or password');
    await page.locator('input[name="password"]').fill(`wrong-${attempt}`);
  }
  await byTest(page, 'login-submit').click();

  await expect.poll(() => error.textContent()).toContain('Too many sign-in attempts');
});
