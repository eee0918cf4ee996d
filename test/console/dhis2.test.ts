// Drives the built console (dist/console) in headless Chromium against the
// DHIS2 stand-in: save the connection, test it, run a sync and follow it to
// the run log, then read the attention list and the APK distribution view.
// Build the console first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { waitForDhis2Syncs } from '../../src/services/admin/dhis2-sync.js';
import { startDhis2Standin, type Dhis2Standin } from '../support/dhis2-standin.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { byTest, expectConsoleServed, fillField, openSignedInPage, REPO_ROOT, saveScreenshot } from './page-helpers.js';

/** Waits until the element shows the text; fails with the element's text after the step timeout. */
async function waitText(locator: Locator, text: string): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor();
  } catch {
    expect(await locator.first().textContent()).toContain(text);
  }
}

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;
// A 3,000-unit sync takes about a second; the poll runs every second.
const SYNC_TIMEOUT_MS = 30_000;

describe('DHIS2 pages in the console', () => {
  let server: TestServer;
  let dhis2: Dhis2Standin;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(BUILT_CONSOLE), `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`).toBe(true);
    dhis2 = await startDhis2Standin({ orgUnits: 3_000, users: 400, version: '2.41' });
    server = await startTestServer();
    consoleUrl = `${server.listenUrl}/`;
    await expectConsoleServed(consoleUrl);

    browser = await launchBrowser();
    page = await openSignedInPage(browser, consoleUrl, pageErrors, UI_STEP_TIMEOUT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await waitForDhis2Syncs();
    await server?.dispose();
    await dhis2?.close();
  });

  test('the connection page refuses a bad URL, saves and tests the connection', async () => {
    await byTest(page, 'nav-dhis2').click();
    await byTest(page, 'dhis2-connection').waitFor();

    await fillField(page, 'dhis2-base-url', 'ftp://dhis2.example.org');
    await fillField(page, 'dhis2-token', dhis2.token);
    await byTest(page, 'dhis2-save').click();
    await page.getByText(/must start with https:\/\//).waitFor();

    await fillField(page, 'dhis2-base-url', dhis2.url);
    await byTest(page, 'dhis2-save').click();
    await page.getByText('Saved.').waitFor();
    // The token field is emptied after a save and the page never shows the token.
    expect(await byTest(page, 'dhis2-token').locator('input').inputValue()).toBe('');
    expect(await page.content()).not.toContain(dhis2.token);

    await byTest(page, 'dhis2-test').click();
    const result = byTest(page, 'dhis2-test-result');
    await waitText(result, 'Connected to DHIS2 2.41.3');
    await waitText(result, 'admin');
  });

  test('a sync started from the page ends with its counts in the run log', async () => {
    await byTest(page, 'dhis2-sync-now').click();
    await byTest(page, 'dhis2-sync-result').waitFor({ timeout: SYNC_TIMEOUT_MS });
    await waitText(byTest(page, 'dhis2-sync-result'), 'The sync finished');
    await waitText(byTest(page, 'dhis2-totals'), '3000 org units and 400 users');

    const row = byTest(page, 'dhis2-run-row').first();
    await waitText(row, 'succeeded');
    await waitText(row, '+3000');
    await saveScreenshot(page, 'dhis2-sync');

    // A failing DHIS2 shows its reason in the log, and the data stays.
    dhis2.setMode('html');
    await byTest(page, 'dhis2-sync-now').click();
    await byTest(page, 'dhis2-sync-result').filter({ hasText: 'failed' }).waitFor({ timeout: SYNC_TIMEOUT_MS });
    await waitText(byTest(page, 'dhis2-sync-result'), 'HTML page instead of JSON');
    await waitText(byTest(page, 'dhis2-totals'), '3000 org units');
    dhis2.setMode('normal');
  });

  test('the attention list and the APK distribution view load', async () => {
    await byTest(page, 'dhis2-tab-attention').click();
    await waitText(byTest(page, 'attention-no-device'), 'DHIS2 users without a device (350)');

    // Ticking a district narrows the list to the users of its subtree.
    const district = dhis2.orgUnits.find((unit) => unit.level === 2)!;
    const pathOf = new Map(dhis2.orgUnits.map((unit) => [unit.id, unit.path]));
    const inDistrict = dhis2.users.filter((user) => user.orgUnitIds.some((id) => pathOf.get(id)?.includes(`/${district.id}`))).length;
    expect(inDistrict).toBeGreaterThan(0);
    expect(inDistrict).toBeLessThan(350);
    await byTest(page, `attention-org-unit-tree-check-${district.id}`).locator('input').check();
    await waitText(byTest(page, 'attention-no-device'), `DHIS2 users without a device (${inDistrict})`);
    await byTest(page, `attention-org-unit-tree-check-${district.id}`).locator('input').uncheck();
    await waitText(byTest(page, 'attention-no-device'), 'DHIS2 users without a device (350)');

    await byTest(page, 'dhis2-tab-apk').click();
    await byTest(page, 'apk-groups').waitFor();
    await waitText(byTest(page, 'apk-entries'), '40.3');
    await waitText(byTest(page, 'apk-entries'), 'someone else');
    expect(await byTest(page, 'apk-group-row').count()).toBe(dhis2.userGroups.length);
    expect(pageErrors).toEqual([]);
  });
});
