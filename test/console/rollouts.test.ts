// Drives the rollout screens of the built console (dist/console) in headless
// Chromium against a real Outpost, with phones simulated over the agent
// protocol. Build it first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { buildApk, removeBuiltApks } from '../support/apk-builder.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { AdminHttp } from './admin-http.js';
import { enrolPhone, fillerPhones } from './agent-http.js';
import { byTest, chooseOption, expectConsoleServed, fillField, openSignedInPage, REPO_ROOT, saveScreenshot } from './page-helpers.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;
// The progress view reloads every 10 s, so a change shows within two cycles.
const PROGRESS_REFRESH_WAIT_MS = 25_000;
const PACKAGE = 'com.dhis2';
const OLD_VERSION = { versionCode: 100, versionName: '2.9.0' };
const NEW_VERSION = { versionCode: 101, versionName: '3.0.0' };
const RESIGNED_VERSION = { versionCode: 102, versionName: '3.0.1' };
const POLICY_NAME = 'Bo CHW phones';
const PHONE_COUNT = 3;
const APK_MEDIA_TYPE = 'application/vnd.android.package-archive';

/** Signs in as the test admin and uploads an APK as the raw request body, which AdminHttp cannot send. */
async function uploadApkFile(apiBase: string, filePath: string): Promise<{ version: { id: string } }> {
  const login = await fetch(`${apiBase}auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  expect(login.status, 'admin login').toBe(200);
  const cookie = login.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };

  const response = await fetch(`${apiBase}apps/upload?fileName=${encodeURIComponent(path.basename(filePath))}`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken, 'Content-Type': APK_MEDIA_TYPE },
    body: fs.readFileSync(filePath),
  });
  const text = await response.text();
  expect(response.status, `upload of ${filePath}: ${text}`).toBe(201);
  return JSON.parse(text) as { version: { id: string } };
}

/** Sends a device report as the agent does, with the installed apps by versionName. */
async function reportInstalled(serverUrl: string, deviceId: string, versionName: string): Promise<void> {
  const response = await fetch(`${serverUrl}/rest/public/sync/info`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      deviceId,
      model: 'moto e13',
      androidVersion: '13',
      batteryLevel: 60,
      batteryCharging: '',
      mdmMode: true,
      launcherType: 'opensource',
      applications: [{ pkg: PACKAGE, name: 'DHIS2 Capture', version: versionName }],
    }),
  });
  expect(response.status, `device report of ${deviceId}: ${await response.text()}`).toBe(200);
}

/** Fetches the configuration as the agent does at a sync and returns its text. */
async function syncConfiguration(serverUrl: string, deviceId: string): Promise<string> {
  const response = await fetch(`${serverUrl}/rest/public/sync/configuration/${encodeURIComponent(deviceId)}`);
  const text = await response.text();
  expect(response.status, `configuration of ${deviceId}: ${text}`).toBe(200);
  return text;
}

async function chooseMultiOption(page: Page, fieldDataTest: string, optionText: string): Promise<void> {
  await byTest(page, fieldDataTest).locator('[data-test="dhis2-uicore-select-input"]').click();
  await page.locator('[data-test="dhis2-uicore-multiselectoption"]').filter({ hasText: optionText }).first().click();
  // The menu stays open after a choice, so Escape closes it.
  await page.keyboard.press('Escape');
}

async function installedInChart(page: Page): Promise<number> {
  const value = await byTest(page, 'stage-bar').first().getAttribute('data-installed');
  return Number(value);
}

describe('rollout screens', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  let api: AdminHttp;
  const phones = fillerPhones(PHONE_COUNT);
  const pageErrors: string[] = [];
  const shot = (name: string) => saveScreenshot(page, `rollouts-${name}`);

  beforeAll(async () => {
    const buildHint = `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`;
    expect(fs.existsSync(BUILT_CONSOLE), buildHint).toBe(true);
    server = await startTestServer();
    consoleUrl = `${server.listenUrl}/`;
    await expectConsoleServed(consoleUrl);
    api = await AdminHttp.signIn(consoleUrl);
    const apiBase = new URL('api/v1/', consoleUrl).toString();

    const oldApk = await buildApk({ packageName: PACKAGE, ...OLD_VERSION, keyName: 'dhis2' });
    const newApk = await buildApk({ packageName: PACKAGE, ...NEW_VERSION, keyName: 'dhis2' });
    const oldUpload = await uploadApkFile(apiBase, oldApk);
    await uploadApkFile(apiBase, newApk);

    const policy = await api.post<{ id: string }>('policies', {
      name: POLICY_NAME,
      apps: [{ packageName: PACKAGE, appVersionId: oldUpload.version.id, action: 'install' }],
    });
    const token = await api.post<{ id: string }>('enrolment/tokens', { policyId: policy.id, maxUses: 10 });
    for (const phone of phones) {
      const withOldVersion = { ...phone, apps: [{ pkg: PACKAGE, name: 'DHIS2 Capture', version: OLD_VERSION.versionName }] };
      await enrolPhone(server.listenUrl, token.id, withOldVersion);
    }

    browser = await launchBrowser();
    page = await openSignedInPage(browser, consoleUrl, pageErrors, UI_STEP_TIMEOUT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    removeBuiltApks();
  });

  test('catalogue shows both versions and the import form', async () => {
    await page.goto(`${consoleUrl}#/apps`);
    const rows = byTest(page, `app-version-${PACKAGE}`);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain(NEW_VERSION.versionName);
    expect(await byTest(page, 'signer-changed').count()).toBe(0);
    await byTest(page, 'release-import').waitFor();
  });

  test('wizard creates and starts a rollout', async () => {
    await page.goto(`${consoleUrl}#/rollouts`);
    await byTest(page, 'nav-rollouts').waitFor();
    await byTest(page, 'rollout-new').click();

    await chooseOption(page, 'wizard-package', PACKAGE);
    await chooseOption(page, 'wizard-version', NEW_VERSION.versionName);
    await shot('wizard-package');
    await byTest(page, 'wizard-next').click();

    await byTest(page, 'wizard-step-scope').waitFor();
    await chooseMultiOption(page, 'wizard-scope-policies', POLICY_NAME);
    await fillField(page, 'wizard-scope-devices', 'no-such-phone');
    await byTest(page, 'wizard-next').click();
    await expect.poll(() => byTest(page, 'wizard-step-scope').textContent()).toContain('No enrolled device has the id: no-such-phone');
    await fillField(page, 'wizard-scope-devices', phones[0]!.deviceId);
    await shot('wizard-scope');
    await byTest(page, 'wizard-next').click();

    await byTest(page, 'wizard-step-stages').waitFor();
    await byTest(page, 'stage-add').click();
    expect(await byTest(page, 'rollout-stage').count()).toBe(2);
    // A second stage with a lower share than the first is rejected on the page.
    await byTest(page, 'stage-percent').nth(0).locator('input').fill('50');
    await byTest(page, 'stage-percent').nth(1).locator('input').fill('20');
    await byTest(page, 'wizard-next').click();
    await expect.poll(() => byTest(page, 'rollout-stages').textContent()).toContain('must be higher than the previous stage');
    await shot('wizard-stages-invalid');
    await byTest(page, 'stage-remove').nth(1).click();
    await byTest(page, 'stage-percent').first().locator('input').fill('100');
    await byTest(page, 'wizard-next').click();

    await byTest(page, 'wizard-step-review').waitFor();
    expect(await byTest(page, 'review-version').textContent()).toContain(NEW_VERSION.versionName);
    expect(await byTest(page, 'review-stages').textContent()).toContain('100%');
    expect(await byTest(page, 'wizard-signer-warning').count()).toBe(0);
    await shot('wizard-review');
    await byTest(page, 'wizard-create-start').click();

    await byTest(page, 'rollout-progress').waitFor();
    expect(await byTest(page, 'rollout-state').getAttribute('data-state')).toBe('running');
    const rollouts = await api.get<{ state: string; targetVersionCode: number; stages: { percent: number }[] }[]>('rollouts');
    expect(rollouts).toHaveLength(1);
    expect(rollouts[0]!.state).toBe('running');
    expect(rollouts[0]!.targetVersionCode).toBe(NEW_VERSION.versionCode);
    expect(rollouts[0]!.stages.map((stage) => stage.percent)).toEqual([100]);
  });

  test('progress chart counts installs after refresh', async () => {
    await expect.poll(() => byTest(page, 'rollout-device-row').count()).toBe(PHONE_COUNT);
    expect(await installedInChart(page)).toBe(0);
    expect(await byTest(page, 'stage-bar').first().getAttribute('data-devices')).toBe(String(PHONE_COUNT));
    expect(await byTest(page, 'rollout-data-cost').textContent()).toContain(`devices left to download: ${PHONE_COUNT}`);
    await shot('progress-before');

    for (const phone of phones.slice(0, 2)) {
      const config = await syncConfiguration(server.listenUrl, phone.deviceId);
      expect(config, 'configuration names the target version').toContain(NEW_VERSION.versionName);
      await reportInstalled(server.listenUrl, phone.deviceId, NEW_VERSION.versionName);
    }

    // No reload by the test: the page's own 10 s refresh must pick the change up.
    await expect.poll(() => installedInChart(page), { timeout: PROGRESS_REFRESH_WAIT_MS, interval: 500 }).toBe(2);
    expect(await byTest(page, 'rollout-totals').textContent()).toContain('2 installed');
    expect(await byTest(page, 'stage-counts-row').first().locator('[data-test="count-installed"]').textContent()).toBe('2');
    await shot('progress-after');
  }, 60_000);

  test('halt shows the rollback text', async () => {
    expect(await byTest(page, 'rollback-note').textContent()).toContain(
      'Rollback is halt and pin: Android cannot downgrade an app without wiping its data',
    );
    await byTest(page, 'rollout-halt').click();
    const modal = byTest(page, 'confirm-modal');
    await modal.waitFor();
    expect(await modal.textContent()).toContain('Rollback is halt and pin');
    await fillField(page, 'halt-reason', 'crash on start reported by two CHWs');
    await shot('halt-confirm');
    await byTest(page, 'confirm-action').click();

    await expect.poll(() => byTest(page, 'rollout-state').getAttribute('data-state')).toBe('halted');
    expect(await byTest(page, 'rollout-halt-reason').textContent()).toContain('crash on start');
    expect(await byTest(page, 'rollback-note').textContent()).toContain('Rollback is halt and pin');
    expect(await byTest(page, 'rollout-resume').count()).toBe(1);
    await expect.poll(() => byTest(page, 'rollout-audit-events').textContent()).toContain('rollout.halt');
    await shot('halted');
  });

  test('pins are created and deleted', async () => {
    await page.goto(`${consoleUrl}#/rollouts`);
    await byTest(page, 'pins').waitFor();
    await chooseOption(page, 'pin-package', PACKAGE);
    await chooseOption(page, 'pin-version', OLD_VERSION.versionName);
    await fillField(page, 'pin-reason', 'hold at 2.9.0 until the crash is fixed');
    await byTest(page, 'pin-create').click();

    await expect.poll(() => byTest(page, 'pin-row').count()).toBe(1);
    expect(await byTest(page, 'pin-row').textContent()).toContain(String(OLD_VERSION.versionCode));
    const pins = await api.get<{ maxVersionCode: number }[]>('pins');
    expect(pins.map((pin) => pin.maxVersionCode)).toEqual([OLD_VERSION.versionCode]);
    expect(await byTest(page, 'rollout-row').textContent()).toContain('Halted');
    await shot('pins');

    await byTest(page, 'pin-delete').click();
    await byTest(page, 'confirm-action').click();
    await expect.poll(() => byTest(page, 'pin-row').count()).toBe(0);
    expect(await api.get<unknown[]>('pins')).toEqual([]);
  });

  test('signer change upload needs confirmation', async () => {
    const resigned = await buildApk({ packageName: PACKAGE, ...RESIGNED_VERSION, keyName: 'other-key' });
    await page.goto(`${consoleUrl}#/apps`);
    const fileInput = byTest(page, 'apk-upload').locator('input[type="file"]');
    await fileInput.setInputFiles(resigned);

    const error = byTest(page, 'upload-error');
    await expect.poll(() => error.textContent()).toContain('signed by another key');
    await shot('apps-signer-change');
    await byTest(page, 'upload-anyway').click();

    await byTest(page, 'upload-done').waitFor();
    await expect.poll(() => byTest(page, `app-version-${PACKAGE}`).count()).toBe(3);
    expect(await byTest(page, 'signer-changed').count()).toBe(1);
    expect(await byTest(page, `app-version-${PACKAGE}`).first().locator('[data-test="signer-changed"]').count()).toBe(1);
    await shot('apps-signer-flag');
  });

  test('pages raise no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
