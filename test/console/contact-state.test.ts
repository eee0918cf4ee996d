// Drives the device list's contact-state filter and threshold form in the
// built console (dist/console), in headless Chromium against a real Outpost.
// Build it first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { insertDevice } from '../admin-api/support/devices.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { byTest, chooseOption, expectConsoleServed, fillField, REPO_ROOT } from './page-helpers.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;
const MINUTE = 60_000;

describe('console contact state', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const pageErrors: string[] = [];

  const rowIds = async () => {
    const rows = await byTest(page, 'device-row').allTextContents();
    return rows.map((text) => /cs-[a-z]+/.exec(text)?.[0] ?? text).sort();
  };

  beforeAll(async () => {
    expect(fs.existsSync(BUILT_CONSOLE), `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`).toBe(true);
    server = await startTestServer();
    consoleUrl = `${server.listenUrl}/`;
    await expectConsoleServed(consoleUrl);

    const now = server.ctx.now();
    await insertDevice(server.ctx, { device_id: 'cs-online', last_contact_at: now - 5 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'cs-late', last_contact_at: now - 45 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'cs-offline', last_contact_at: now - 300 * MINUTE });

    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    page.setDefaultTimeout(UI_STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(consoleUrl);
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
    await byTest(page, 'login-submit').click();
    await byTest(page, 'fleet-summary').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test('list shows the late state', async () => {
    await page.goto(`${consoleUrl}#/devices`);
    await expect.poll(rowIds).toEqual(['cs-late', 'cs-offline', 'cs-online']);

    const lateRow = byTest(page, 'device-row').filter({ hasText: 'cs-late' });
    expect(await lateRow.textContent()).toContain('Late');
  });

  test('filter keeps late devices only', async () => {
    await chooseOption(page, 'device-contact-filter', 'Late');

    await expect.poll(rowIds).toEqual(['cs-late']);
  });

  test('threshold form names the bad field', async () => {
    await fillField(page, 'contact-late-minutes', '60');
    await fillField(page, 'contact-offline-minutes', '30');
    await byTest(page, 'contact-thresholds-save').click();

    const notice = byTest(page, 'contact-thresholds').locator('[data-test="dhis2-uicore-noticebox"]');
    await expect.poll(() => notice.textContent()).toContain('offlineAfterMinutes');
    expect(await byTest(page, 'contact-thresholds-saved').count()).toBe(0);
  });

  test('saved thresholds reclassify the list', async () => {
    await fillField(page, 'contact-late-minutes', '2');
    await fillField(page, 'contact-offline-minutes', '30');
    await byTest(page, 'contact-thresholds-save').click();
    await byTest(page, 'contact-thresholds-saved').waitFor();

    // With late after 2 minutes, the phone seen 5 minutes ago is late and the
    // one seen 45 minutes ago is offline.
    await expect.poll(rowIds).toEqual(['cs-online']);
    const stored = await server.ctx.store.settings.get('contact_state.thresholds');
    expect(stored).toEqual({ lateAfterMinutes: 2, offlineAfterMinutes: 30 });
  });

  test('no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
