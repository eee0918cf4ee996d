// Drives the built console (dist/console) in headless Chromium. Build it
// first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deviceInfo, enrol, postJson, seedToken } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import { byTest, expectConsoleServed, fillField, REPO_ROOT } from '../console/page-helpers.js';
import { launchBrowser } from '../support/browser.js';
import { TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;

let server: TestServer;
let admin: ApiClient;
let browser: Browser;
let page: Page;
let consoleUrl: string;

beforeAll(async () => {
  expect(fs.existsSync(BUILT_CONSOLE), `missing ${BUILT_CONSOLE}; build the console first`).toBe(true);
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  consoleUrl = `${server.listenUrl}/`;
  await expectConsoleServed(consoleUrl);

  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.setDefaultTimeout(UI_STEP_TIMEOUT_MS);
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

describe('console policy conflicts', () => {
  it('shows overrides the configuration leaves out', async () => {
    const windowed = await admin.post('/v1/policies', {
      name: 'Night OS updates',
      settings: { systemUpdateType: 2, systemUpdateFrom: '02:00', systemUpdateTo: '04:00' },
    });
    await enrol(server, 'console-override-phone', await seedToken(server.ctx, { policyId: windowed.body.id }));
    await postJson(server, '/rest/public/sync/info', deviceInfo('console-override-phone'));
    const pk = (await server.ctx.store.devices.findByDeviceId('console-override-phone'))!.id;
    expect((await admin.put(`/v1/devices/${pk}/overrides`, { settings: { systemUpdateFrom: '01:00' } })).status).toBe(200);
    const plain = await admin.post('/v1/policies', { name: 'No OS window' });
    expect((await admin.patch(`/v1/devices/${pk}`, { policyId: plain.body.id })).status).toBe(200);

    await page.goto(`${consoleUrl}#/devices/${pk}`);
    const notice = byTest(page, 'overrides-ignored');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('systemUpdateTo');
  });

  it('rejects a save over a newer version', async () => {
    const created = await admin.post('/v1/policies', { name: 'Edited twice', settings: { gps: true } });
    await page.goto(`${consoleUrl}#/policies/${created.body.id}`);
    await byTest(page, 'policy-form').waitFor();

    // Another manager saves while this form is open.
    const other = await admin.put(`/v1/policies/${created.body.id}`, { name: 'Edited twice', settings: { wifi: true } });
    expect(other.status).toBe(200);

    await fillField(page, 'policy-description', 'Changed in the browser');
    await byTest(page, 'policy-save').click();
    await expect.poll(() => page.locator('form[data-test="policy-form"]').textContent()).toContain('Reload the policy');

    const stored = await admin.get(`/v1/policies/${created.body.id}`);
    expect(stored.body.version).toBe(2);
    expect(stored.body.settings.wifi).toBe(true);
    expect(stored.body.description).toBe('');
  });
});
