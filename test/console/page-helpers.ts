import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

import { TEST_ADMIN_PASSWORD } from '../support/server.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Directory of the screenshots; git ignores test-results/. */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results');

/** The test-suite copy of a real APK, built outside this project. */
export { FIXTURE_APK } from '../support/fixtures.js';

/** Element with the given data-test attribute, as DHIS2 components render it. */
export function byTest(page: Page, dataTest: string) {
  return page.locator(`[data-test="${dataTest}"]`);
}

/** Opens a DHIS2 SingleSelectField by its dataTest and clicks the option containing `optionText`. */
export async function chooseOption(page: Page, fieldDataTest: string, optionText: string): Promise<void> {
  const input = byTest(page, fieldDataTest).locator('[data-test="dhis2-uicore-select-input"]');
  // The option menu is a fixed layer placed below the field. With the field
  // at the bottom edge of the window, the menu would open off-screen.
  await input.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await input.click();
  await page.locator('[data-test="dhis2-uicore-singleselectoption"]').filter({ hasText: optionText }).first().click();
}

/** Types into the input of a DHIS2 InputField or TextAreaField found by its dataTest. */
export async function fillField(page: Page, fieldDataTest: string, value: string): Promise<void> {
  await byTest(page, fieldDataTest).locator('input, textarea').first().fill(value);
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Fails at once, with the server's reason, when the server does not serve the console at `url`. */
export async function expectConsoleServed(url: string): Promise<void> {
  const response = await fetch(url);
  expect(response.status, `GET ${url}: ${await response.text()}`).toBe(200);
}

/**
 * Opens a page at the console's URL in a new browser context, signs in as
 * the test admin and waits for the fleet overview. Page errors go to
 * `pageErrors` so a test can assert there were none.
 */
export async function openSignedInPage(browser: Browser, consoleUrl: string, pageErrors: string[], stepTimeoutMs: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(stepTimeoutMs);
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await page.goto(consoleUrl);
  await page.locator('input[name="username"]').fill('admin');
  await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
  await byTest(page, 'login-submit').click();
  await byTest(page, 'fleet-summary').waitFor();
  return page;
}
