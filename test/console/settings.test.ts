// Drives the settings page in the built console (dist/console), in headless
// Chromium against a real Outpost: retention, enrolment rules, the CSV
// import of serials and the id-claim flags.
// Build it first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { deviceInfo, enrol, postJson, seedPolicy, seedToken } from '../agent-api/helpers.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { byTest, expectConsoleServed, fillField, REPO_ROOT } from './page-helpers.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;

describe('console settings', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const pageErrors: string[] = [];
  const csvDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-csv-'));

  beforeAll(async () => {
    expect(fs.existsSync(BUILT_CONSOLE), `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`).toBe(true);
    server = await startTestServer();
    consoleUrl = `${server.listenUrl}/`;
    await expectConsoleServed(consoleUrl);

    // A phone enrolled and reporting, then a second phone reporting under its id.
    const policyId = await seedPolicy(server.ctx);
    await enrol(server, 'phone-shared-id', await seedToken(server.ctx, { policyId }));
    await postJson(server, '/rest/public/sync/info', deviceInfo('phone-shared-id', { serial: 'R58MFIRST01' }));
    await postJson(server, '/rest/public/sync/info', deviceInfo('phone-shared-id', { serial: 'R58MSECOND2' }));

    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    page.setDefaultTimeout(UI_STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(consoleUrl);
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
    await byTest(page, 'login-submit').click();
    await byTest(page, 'fleet-summary').waitFor();
    await byTest(page, 'nav-settings').click();
    await byTest(page, 'retention-settings').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    fs.rmSync(csvDir, { recursive: true, force: true });
  });

  test('retention saves a new period', async () => {
    await fillField(page, 'retention-locationDays', '30');
    await byTest(page, 'retention-save').click();

    await expect.poll(async () => (await server.ctx.store.settings.get<{ locationDays: number }>('retention'))?.locationDays).toBe(30);
  });

  test('retention names a bad field', async () => {
    await fillField(page, 'retention-deviceLogDays', '0');
    await byTest(page, 'retention-save').click();

    const notice = byTest(page, 'retention-settings').locator('[data-test="dhis2-uicore-noticebox"]');
    await expect.poll(() => notice.first().textContent()).toContain('deviceLogDays');
  });

  test('enrolment switch turns off', async () => {
    await byTest(page, 'rules-open').locator('input').uncheck();
    await byTest(page, 'rules-save').click();

    await expect.poll(async () => (await server.ctx.store.settings.get<{ open: boolean }>('enrolment.rules'))?.open).toBe(false);
  });

  test('CSV import lists rejected rows', async () => {
    const file = path.join(csvDir, 'serials.csv');
    fs.writeFileSync(file, 'serial,label\nR58MLISTED01,Box 1\nunknown,bad\n');
    await byTest(page, 'preregistered-file').setInputFiles(file);

    const result = byTest(page, 'preregistered-result');
    await expect.poll(() => result.textContent()).toContain('1 added');
    expect(await result.textContent()).toContain('Line 3');
    await expect.poll(() => byTest(page, 'preregistered-count').textContent()).toContain('1');
  });

  test('id claim shows and dismisses', async () => {
    const row = byTest(page, 'id-claim-row');
    await expect.poll(() => row.textContent()).toContain('R58MSECOND2');
    expect(await row.textContent()).toContain('R58MFIRST01');

    await byTest(page, 'id-claim-dismiss').click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await server.ctx.store.deviceIdClaims.list(10)).toEqual([]);
  });

  test('page raised no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
