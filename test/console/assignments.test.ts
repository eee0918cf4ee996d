// The assignments page and the device page's assignment section in the
// built console, in headless Chromium. Build the console first:
// `npx vite build --config console/vite.config.ts`.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { type ApiClient, signInAsAdmin, startApiServer } from '../admin-api/support/client.js';
import { insertDevice } from '../admin-api/support/devices.js';
import { insertAppVersion } from '../admin-api/support/fixtures.js';
import { launchBrowser } from '../support/browser.js';
import { TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { byTest, chooseOption, expectConsoleServed, saveScreenshot } from './page-helpers.js';

// Loopback only, so 10 s separates a stuck step from a slow one on a loaded machine.
const UI_STEP_TIMEOUT_MS = 10_000;

describe('console assignments', () => {
  let server: TestServer;
  let admin: ApiClient;
  let browser: Browser;
  let page: Page;
  let devicePk: string;
  let policyId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startApiServer();
    await expectConsoleServed(`${server.listenUrl}/`);
    admin = await signInAsAdmin(server);
    const ctx = server.ctx;
    for (const [id, name, parentId] of [['country', 'Country', null], ['bo', 'Bo District', 'country'], ['bo-chc', 'Bo CHC', 'bo']] as const) {
      await ctx.store.orgUnits.insert({ id, name, parentId });
    }
    await ctx.store.dhis2Directory.insertUsers(
      [{ id: 'UfatmataB01', username: 'fatmata', firstName: 'Fatmata', surname: 'Sesay', email: null, disabled: false, lastLoginAt: null, orgUnitIds: ['bo-chc'] }],
      ctx.now(),
    );
    policyId = (await admin.post('/v1/policies', { name: 'Bo phones' })).body.id;
    const agent = await insertAppVersion(ctx, 'com.hmdm.launcher', 6000);
    expect((await admin.put('/v1/enrolment/agent', { appVersionId: agent })).status).toBe(200);
    devicePk = await insertDevice(ctx, { device_id: 'bo-phone-1', serial: 'BO-SERIAL-1', org_unit_id: 'bo' });

    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(UI_STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.listenUrl}/`);
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
    await byTest(page, 'login-submit').click();
    await byTest(page, 'nav-assignments').click();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test('imports a sheet after showing its changes', async () => {
    const csv = 'device_id,serial,dhis2_username,org_unit_id\nbo-phone-1,BO-SERIAL-1,fatmata,bo-chc\n';
    await byTest(page, 'assignment-file').setInputFiles({ name: 'bo.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

    await expect.poll(() => byTest(page, 'assignment-preview').textContent()).toContain('1 devices would change');
    expect((await server.ctx.store.devices.findByPk(devicePk))?.dhis2_user_id).toBeNull();
    await byTest(page, 'assignment-apply').click();
    await byTest(page, 'assignment-applied').waitFor();

    expect(await server.ctx.store.devices.findByPk(devicePk)).toMatchObject({ dhis2_user_id: 'UfatmataB01', org_unit_id: 'bo-chc' });
  });

  test('shows a bad sheet row by row and changes nothing', async () => {
    const csv = 'device_id,serial,dhis2_username,org_unit_id\nbo-phone-1,BO-SERIAL-1,nobody,\n';
    await byTest(page, 'assignment-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

    await expect.poll(() => page.getByText('Row 2, column dhis2_username').count()).toBe(1);
    expect((await server.ctx.store.devices.findByPk(devicePk))?.dhis2_user_id).toBe('UfatmataB01');
  });

  test('gives an org unit a policy that its devices inherit', async () => {
    await byTest(page, 'policy-unit-tree-check-bo').locator('input').check();
    await chooseOption(page, 'org-unit-policy-select', 'Bo phones');
    await byTest(page, 'org-unit-policy-save').click();

    await expect.poll(() => byTest(page, 'org-unit-policy-result').textContent()).toContain('1 devices got a different policy');
    expect((await server.ctx.store.devices.findByPk(devicePk))?.policy_id).toBe(policyId);
  });

  test('opens a printable sheet of real tokens', async () => {
    await byTest(page, 'sheet-unit-tree-check-bo').locator('input').check();
    await chooseOption(page, 'sheet-policy', 'Bo phones');
    await byTest(page, 'sheet-source-blank').locator('input').check();
    await byTest(page, 'sheet-count').locator('input').fill('3');
    const [sheet] = await Promise.all([page.waitForEvent('popup'), byTest(page, 'sheet-open').click()]);

    await sheet.waitForSelector('.slot svg');
    expect(await sheet.locator('.slot').count()).toBe(3);
    await saveScreenshot(sheet, 'enrolment-sheet');
    const tokens = (await server.ctx.store.enrolment.list()).filter((token) => token.org_unit_id === 'bo');
    expect(tokens).toHaveLength(3);
    await sheet.close();
  });

  test('lists the health worker of each device', async () => {
    await page.goto(`${server.listenUrl}/#/devices`);
    const row = byTest(page, 'device-row').filter({ hasText: 'bo-phone-1' });

    await expect.poll(() => row.textContent()).toContain('fatmata');
  });

  test('shows where the device policy comes from', async () => {
    await page.goto(`${server.listenUrl}/#/devices/${devicePk}`);
    const section = byTest(page, 'device-assignment');

    await expect.poll(() => section.textContent()).toContain('Inherited from org unit Bo District');
    expect(await section.textContent()).toContain('Fatmata Sesay (fatmata)');
    await saveScreenshot(page, 'device-assignment');
    expect(pageErrors).toEqual([]);
  });
});
