// Drives the built console (dist/console) in headless Chromium: a bulk
// action from the device list with its progress page, and the wipe
// confirmation dialog of the device page. Build the console first:
// `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { insertDevice } from '../admin-api/support/devices.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { byTest, chooseOption, expectConsoleServed, fillField, openSignedInPage, REPO_ROOT, saveScreenshot } from './page-helpers.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;
// A bulk job starts within 3 s and handles about 500 devices a second.
const JOB_TIMEOUT_MS = 20_000;
const FLEET_SIZE = 600;

describe('bulk actions and wipe confirmation in the console', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const firstDevicePk: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(BUILT_CONSOLE), `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`).toBe(true);
    server = await startTestServer();
    consoleUrl = `${server.listenUrl}/`;
    await expectConsoleServed(consoleUrl);

    for (let index = 0; index < FLEET_SIZE; index += 1) {
      const pk = await insertDevice(server.ctx, { device_id: `chw-${String(index).padStart(3, '0')}`, model: 'Tecno Spark 10' });
      if (index === 0) firstDevicePk.push(pk);
    }

    browser = await launchBrowser();
    page = await openSignedInPage(browser, consoleUrl, pageErrors, UI_STEP_TIMEOUT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test('bulk lock of matching devices shows its progress', async () => {
    await page.goto(`${consoleUrl}#/devices`);
    await fillField(page, 'device-search', 'chw-');
    await expect.poll(() => byTest(page, 'device-row').count()).toBeGreaterThan(0);

    await byTest(page, 'bulk-open').click();
    await byTest(page, 'bulk-modal').waitFor();
    await fillField(page, 'command-message', 'Bring the phone to the Monday training');
    await byTest(page, 'bulk-next').click();
    await expect.poll(() => byTest(page, 'bulk-count').textContent()).toContain(String(FLEET_SIZE));
    await byTest(page, 'bulk-start').click();

    await byTest(page, 'bulk-progress').waitFor();
    expect(page.url()).toMatch(/#\/bulk\/[0-9a-f-]+$/);
    const seen = new Set<string>();
    const deadline = Date.now() + JOB_TIMEOUT_MS;
    for (;;) {
      const text = (await byTest(page, 'bulk-progress').textContent()) ?? '';
      seen.add(text.includes('Completed') ? 'completed' : text.includes('Running') ? 'running' : 'waiting');
      if (text.includes('Completed')) break;
      expect(Date.now(), 'the bulk job did not complete in time').toBeLessThan(deadline);
      await page.waitForTimeout(100);
    }

    expect(seen.size).toBeGreaterThan(1);
    expect(await byTest(page, 'bulk-progress').textContent()).toContain(`${FLEET_SIZE} of ${FLEET_SIZE} devices handled`);
    expect(await byTest(page, 'bulk-counts').textContent()).toContain(`Queued: ${FLEET_SIZE}`);
    expect(await byTest(page, 'bulk-delivery').textContent()).toContain(`queued ${FLEET_SIZE}`);
    await saveScreenshot(page, 'bulk-progress');

    const locks = await server.ctx.store.commands.listForDevice(firstDevicePk[0]!, 10);
    expect(locks.map((command) => command.type)).toEqual(['lock']);
  });

  test('ticked devices become the selection', async () => {
    await page.goto(`${consoleUrl}#/devices`);
    await fillField(page, 'device-search', 'chw-00');
    await expect.poll(() => byTest(page, 'device-row').count()).toBe(10);

    await byTest(page, 'device-select').nth(0).locator('input').check();
    await byTest(page, 'device-select').nth(1).locator('input').check();

    expect(await byTest(page, 'bulk-open').textContent()).toContain('2 selected');
    await byTest(page, 'bulk-open').click();
    await chooseOption(page, 'bulk-type', 'Reboot');
    await byTest(page, 'bulk-next').click();
    await expect.poll(() => byTest(page, 'bulk-count').textContent()).toContain('2 devices');
  });

  test('bulk wipe asks for the device count', async () => {
    // A reload drops the dialog and the ticks the previous test left.
    await page.goto(`${consoleUrl}#/devices`);
    await page.reload();
    await fillField(page, 'device-search', 'chw-01');
    await expect.poll(() => byTest(page, 'device-row').count()).toBe(10);
    await byTest(page, 'device-select').nth(0).locator('input').check();
    await byTest(page, 'device-select').nth(1).locator('input').check();
    await byTest(page, 'device-select').nth(2).locator('input').check();

    await byTest(page, 'bulk-open').click();
    await chooseOption(page, 'bulk-type', 'Wipe (factory reset)');
    await byTest(page, 'bulk-next').click();
    await byTest(page, 'danger-modal').waitFor();
    await fillField(page, 'danger-password', TEST_ADMIN_PASSWORD);
    await fillField(page, 'danger-typed', '2');
    expect(await byTest(page, 'danger-confirm').isDisabled()).toBe(true);
    await fillField(page, 'danger-typed', '3');
    await byTest(page, 'danger-confirm').click();

    await byTest(page, 'bulk-progress').waitFor();
    await expect.poll(() => byTest(page, 'bulk-progress').textContent(), { timeout: JOB_TIMEOUT_MS }).toContain('3 of 3 devices handled');
    const wipes = (await server.ctx.store.audit.list(100)).filter((event) => event.action === 'device.command.wipe');
    expect(wipes).toHaveLength(3);
  });

  test('wipe asks for the device id and the password', async () => {
    await page.goto(`${consoleUrl}#/devices/${firstDevicePk[0]}`);
    await byTest(page, 'device-commands').waitFor();
    await chooseOption(page, 'command-type', 'Wipe (factory reset)');
    await byTest(page, 'command-send').click();
    await byTest(page, 'danger-modal').waitFor();

    const confirm = byTest(page, 'danger-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await fillField(page, 'danger-typed', 'chw-001');
    await fillField(page, 'danger-password', TEST_ADMIN_PASSWORD);
    expect(await confirm.isDisabled()).toBe(true);

    await fillField(page, 'danger-typed', 'chw-000');
    await fillField(page, 'danger-password', 'not-my-password');
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await expect.poll(() => byTest(page, 'danger-modal').textContent()).toContain('password is wrong');
    await saveScreenshot(page, 'wipe-confirmation');

    await fillField(page, 'danger-password', TEST_ADMIN_PASSWORD);
    await confirm.click();
    await byTest(page, 'danger-modal').waitFor({ state: 'detached' });
    await expect.poll(() => byTest(page, 'device-commands').textContent()).toContain('Wipe (factory reset)');

    const events = await server.ctx.store.audit.list(50);
    const actions = events.filter((event) => event.target_id === firstDevicePk[0]).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['command.refused', 'device.command.wipe']));
    expect(pageErrors).toEqual([]);
  });

  test('lost mode locks and unlocks from the device page', async () => {
    await page.goto(`${consoleUrl}#/devices/${firstDevicePk[0]}`);
    await byTest(page, 'device-lost-mode').waitFor();
    await fillField(page, 'lost-mode-message', 'Call the district office');
    await byTest(page, 'lost-mode-enter').click();

    await expect.poll(() => byTest(page, 'device-lost-mode').textContent()).toContain('This device is in lost mode');
    expect(await byTest(page, 'device-lost-mode').textContent()).toContain('Call the district office');
    await expect.poll(() => byTest(page, 'device-commands').textContent()).toContain('Call the district office');
    expect((await server.ctx.store.devices.findByPk(firstDevicePk[0]!))?.lost_mode_since).toEqual(expect.any(Number));

    await byTest(page, 'lost-mode-leave').click();
    await expect.poll(() => byTest(page, 'device-lost-mode').textContent()).toContain('not in lost mode');
    await expect.poll(() => byTest(page, 'device-commands').textContent()).toContain('Unlock');
    expect(pageErrors).toEqual([]);
  });
});
