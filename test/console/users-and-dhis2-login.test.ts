// Sign-in with DHIS2 and the Users page in the built console, in headless
// Chromium. Build the console first: `npx vite build --config console/vite.config.ts`.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { ApiClient, signInAsAdmin, startApiServer } from '../admin-api/support/client.js';
import { DHIS2_PASSWORD, prepareDhis2SignIn, type Dhis2SignInWorld } from '../admin-api/support/dhis2-sign-in.js';
import { launchBrowser } from '../support/browser.js';
import { TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { byTest, expectConsoleServed, saveScreenshot } from './page-helpers.js';

// Loopback only, so 10 s separates a stuck step from a slow one on a loaded machine.
const UI_STEP_TIMEOUT_MS = 10_000;

describe('console users and DHIS2 sign-in', () => {
  let server: TestServer;
  let admin: ApiClient;
  let world: Dhis2SignInWorld;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startApiServer();
    await expectConsoleServed(`${server.listenUrl}/`);
    admin = await signInAsAdmin(server);
    world = await prepareDhis2SignIn(server.ctx, admin);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.dhis2.close();
    await server?.dispose();
  });

  const newPage = async (): Promise<Page> => {
    const page = await browser.newPage();
    page.setDefaultTimeout(UI_STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.listenUrl}/`);
    return page;
  };

  const deviceIdsShown = async (page: Page) => {
    await page.goto(`${server.listenUrl}/#/devices`);
    await page.getByText('district-phone', { exact: true }).or(page.getByText('other-district-phone', { exact: true })).first().waitFor();
    return page.locator('a[href^="#/devices/"]').allTextContents();
  };

  test('Chromium signs in with DHIS2 credentials against the stand-in and sees only its scope', async () => {
    const page = await newPage();
    await byTest(page, 'login-method-dhis2').locator('input').check();
    await page.locator('input[name="username"]').fill(world.worker.username);
    await page.locator('input[name="password"]').fill(DHIS2_PASSWORD);
    await byTest(page, 'login-submit').click();
    await byTest(page, 'nav-devices').waitFor();

    const shown = await deviceIdsShown(page);

    expect(shown).toContain('district-phone');
    expect(shown).not.toContain('other-district-phone');
    expect(shown).not.toContain('unit-less-phone');
    expect(await byTest(page, 'nav-users').count()).toBe(0);
    await saveScreenshot(page, 'dhis2-sign-in-devices');
    await page.close();
  });

  test('a wrong DHIS2 password shows the DHIS2 message', async () => {
    const page = await newPage();
    await byTest(page, 'login-method-dhis2').locator('input').check();
    await page.locator('input[name="username"]').fill(world.worker.username);
    await page.locator('input[name="password"]').fill('not-the-password');
    await byTest(page, 'login-submit').click();

    await expect.poll(() => byTest(page, 'login-error').textContent()).toContain('DHIS2 did not accept');
    await page.close();
  });

  test('an admin limits a new user to a district with the tree picker', async () => {
    const page = await newPage();
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
    await byTest(page, 'login-submit').click();
    await byTest(page, 'nav-users').click();
    await byTest(page, 'user-table').waitFor();

    await byTest(page, 'user-new').click();
    await byTest(page, 'user-username').locator('input').fill('district.viewer');
    await byTest(page, `org-unit-tree-check-${world.district.id}`).locator('input').check();
    await saveScreenshot(page, 'users-new-with-scope');
    await byTest(page, 'user-save').click();
    const password = await byTest(page, 'generated-password').locator('div').filter({ hasText: /^[A-Za-z0-9_-]{20}$/ }).first().textContent();

    const created = (await admin.get('/v1/users')).body.find((user: { username: string }) => user.username === 'district.viewer');
    expect(created.orgUnits.map((unit: { id: string }) => unit.id)).toEqual([world.district.id]);
    const viewer = new ApiClient(server);
    expect((await viewer.login('district.viewer', password ?? '')).status).toBe(200);
    expect((await viewer.get('/v1/fleet/summary')).body.total).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
