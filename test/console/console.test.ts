// Drives the built console (dist/console) in headless Chromium against a real
// Outpost. Build it first: `npx vite build --config console/vite.config.ts`
// (`npm test` builds it).
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startFleet, type Fleet } from '../../simulator/index.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { AdminHttp } from './admin-http.js';
import { enrolPhone, fillerPhones, PHONES } from './agent-http.js';
import {
  byTest,
  chooseOption,
  expectConsoleServed,
  FIXTURE_APK,
  fillField,
  REPO_ROOT,
  saveScreenshot,
} from './page-helpers.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
// Room for the 3.1 MB fixture APK, while the 5 MB test file gets 413.
const UPLOAD_LIMIT_BYTES = 4 * 1024 * 1024;
const OVERSIZED_UPLOAD_BYTES = 5 * 1024 * 1024;
// Slow enough that the 3.1 MB fixture takes several seconds, so the progress
// bar can be seen part-way.
const THROTTLED_UPLOAD_BYTES_PER_SECOND = 512 * 1024;
// Every step runs on loopback, so 10 s separates a stuck step from a slow
// one on a loaded 2-core machine and stays inside Vitest's 60 s per test.
const UI_STEP_TIMEOUT_MS = 10_000;
// The smallest page size the console offers. The paging test enrols that
// many extra phones, so the list has a second page.
const MIN_PAGE_SIZE = 10;
// The console's fleet refresh interval.
const FLEET_REFRESH_MS = 30_000;
const ORG_UNIT_NAME = 'Kono District';
const SIMULATED_AGENTS = 3;
// Simulated time runs 60 times faster, so the 15-minute report cycle takes 15 s.
const SIMULATOR_SPEED = 60;
const SIMULATOR_WAIT_MS = 20_000;
const POLICY_NAME = 'Kono CHW phones';
const FIXTURE_PACKAGE = 'io.appium.settings';
const FIXTURE_VERSION_CODE = '192';

const APK_MEDIA_TYPE = 'application/vnd.android.package-archive';

/** The fields of GET /policies that the tests check. */
interface PolicyView {
  name: string;
  version: number;
  settings: Record<string, unknown>;
  adminPasswordSet: boolean;
  apps: { packageName: string; versionCode: number }[];
}

interface Run {
  name: string;
  /** Public URL given to the server; its path is the project path. */
  publicUrl?: string;
  projectPath: string;
}

const RUNS: Run[] = [
  { name: 'root', projectPath: '' },
  // .invalid never resolves, so nothing can reach it; the browser and the
  // phones use the listen address with the project path.
  { name: 'project-path', publicUrl: 'http://outpost.invalid/outpost', projectPath: '/outpost' },
];

describe.each(RUNS)('console at $name', (run) => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleUrl: string;
  let fleet: Fleet | undefined;
  const pageErrors: string[] = [];

  const shot = (name: string) => saveScreenshot(page, `console-${run.name}-${name}`);
  // One API session per run: the login route allows ten attempts a minute.
  let adminSession: AdminHttp | undefined;
  const adminApi = async () => (adminSession ??= await AdminHttp.signIn(consoleUrl));
  const open = async (route: string) => {
    await page.goto(`${consoleUrl}#${route}`);
  };

  beforeAll(async () => {
    const buildHint = `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`;
    expect(fs.existsSync(BUILT_CONSOLE), buildHint).toBe(true);
    server = await startTestServer({
      publicUrl: run.publicUrl,
      env: { OUTPOST_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT_BYTES) },
    });
    consoleUrl = `${server.listenUrl}${run.projectPath}/`;
    await expectConsoleServed(consoleUrl);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(UI_STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await fleet?.stop();
    await browser?.close();
    await server?.dispose();
  });

  test('wrong password shows an error', async () => {
    await page.goto(consoleUrl);
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill('not-the-password');
    await byTest(page, 'login-submit').click();

    await expect.poll(() => byTest(page, 'login-error').textContent()).toContain('Wrong username or password');
    await shot('login-error');
  });

  test('sign-in shows the user and the fleet', async () => {
    await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
    await byTest(page, 'login-submit').click();

    await byTest(page, 'fleet-summary').waitFor();
    expect(await byTest(page, 'header-user').textContent()).toContain('admin');
    expect(await byTest(page, 'header-user').textContent()).toContain('Admin');
    expect(await byTest(page, 'fleet-total').textContent()).toContain('0');
  });

  test('reload keeps the session', async () => {
    await page.reload();

    await byTest(page, 'fleet-summary').waitFor();
    expect(await byTest(page, 'login-form').count()).toBe(0);
  });

  test('device list starts empty', async () => {
    await open('/devices');

    await byTest(page, 'devices-empty').waitFor();
    expect(await byTest(page, 'device-row').count()).toBe(0);
  });

  test('APK upload shows progress and the new version', async () => {
    await open('/apps');
    await byTest(page, 'apk-upload').waitFor();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: THROTTLED_UPLOAD_BYTES_PER_SECOND,
    });

    await byTest(page, 'apk-upload').locator('input[type="file"]').setInputFiles(FIXTURE_APK);
    const progress = byTest(page, 'upload-progress');
    await progress.waitFor();
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    const percentPartWay = Number(await progress.getAttribute('aria-valuenow'));
    await shot('apps-uploading');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    await byTest(page, 'upload-done').waitFor();
    expect(percentPartWay).toBeLessThan(100);
    const row = byTest(page, `app-version-${FIXTURE_PACKAGE}`);
    await row.waitFor();
    expect(await row.locator('[data-test="version-code"]').textContent()).toBe(FIXTURE_VERSION_CODE);
    expect(await row.textContent()).toContain('8.0.10');
    await shot('apps');
  });

  test('APK upload errors are explained', async () => {
    const fileInput = byTest(page, 'apk-upload').locator('input[type="file"]');
    const error = byTest(page, 'upload-error');

    await fileInput.setInputFiles(FIXTURE_APK);
    await expect.poll(() => error.textContent()).toContain('already in the catalogue');

    await fileInput.setInputFiles({ name: 'notes.apk', mimeType: APK_MEDIA_TYPE, buffer: Buffer.from('plain text, not a ZIP') });
    await expect.poll(() => error.textContent()).toContain('not a valid APK');
    await shot('apps-upload-error');

    await fileInput.setInputFiles({ name: 'huge.apk', mimeType: APK_MEDIA_TYPE, buffer: Buffer.alloc(OVERSIZED_UPLOAD_BYTES) });
    await expect.poll(() => error.textContent()).toContain('larger than the server accepts');
  });

  test('policy form creates a policy', async () => {
    await open('/policies');
    await byTest(page, 'policy-new').click();
    await fillField(page, 'policy-name', POLICY_NAME);
    await fillField(page, 'policy-description', 'Phones of the community health workers in Kono');
    await fillField(page, 'policy-admin-password', 'kono-admin-2024');
    await chooseOption(page, 'password-mode', 'Moderate');
    await chooseOption(page, 'radio-mobileData', 'Keep on');
    await chooseOption(page, 'download-network', 'Wi-Fi only');
    await byTest(page, 'restriction-no_config_tethering').locator('input').check();
    await fillField(page, 'update-from', '22:00');
    await fillField(page, 'update-to', '05:00');
    await byTest(page, 'policy-add-app').click();
    await chooseOption(page, 'policy-app-package', FIXTURE_PACKAGE);
    await shot('policy-form');
    await byTest(page, 'policy-save').click();

    const row = byTest(page, 'policy-row').filter({ hasText: POLICY_NAME });
    await row.waitFor();
    await shot('policies');
    const api = await adminApi();
    const [policy] = await api.get<PolicyView[]>('policies');
    expect(policy?.name).toBe(POLICY_NAME);
    expect(policy?.settings.restrictions).toContain('no_config_tethering');
    expect(policy?.settings.passwordMode).toBe('moderate');
    expect(policy?.settings.mobileData).toBe(true);
    expect(policy?.settings.downloadNetwork).toBe('wifi');
    expect(policy?.settings.appUpdateFrom).toBe('22:00');
    expect(policy?.adminPasswordSet).toBe(true);
    const expectedApp = { packageName: FIXTURE_PACKAGE, versionCode: Number(FIXTURE_VERSION_CODE) };
    expect(policy?.apps).toEqual([expect.objectContaining(expectedApp)]);
  });

  test('policy edit saves a new version', async () => {
    await byTest(page, 'policy-row').locator('a', { hasText: POLICY_NAME }).click();
    await byTest(page, 'policy-form').waitFor();
    await byTest(page, 'restriction-no_usb_file_transfer').locator('input').check();
    await byTest(page, 'policy-save').click();
    await byTest(page, 'policy-row').filter({ hasText: POLICY_NAME }).waitFor();

    const api = await adminApi();
    const [policy] = await api.get<PolicyView[]>('policies');
    expect(policy?.version).toBe(2);
    const restrictions = ['no_config_tethering', 'no_usb_file_transfer'];
    expect(policy?.settings.restrictions).toEqual(expect.arrayContaining(restrictions));
    expect(policy?.adminPasswordSet).toBe(true);
  });

  test('enrolment chooses the agent and shows a QR code', async () => {
    await open('/enrolment');
    await byTest(page, 'agent-missing').waitFor();
    await chooseOption(page, 'agent-version', FIXTURE_VERSION_CODE);
    await byTest(page, 'agent-save').click();
    await expect.poll(() => byTest(page, 'agent-current').textContent()).toContain(FIXTURE_PACKAGE);

    await chooseOption(page, 'token-policy', POLICY_NAME);
    await fillField(page, 'token-label', 'Kono training, March');
    await byTest(page, 'token-create').click();

    const image = byTest(page, 'qr-image');
    await image.waitFor();
    const loadedWidth = () => image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth);
    await expect.poll(loadedWidth).toBeGreaterThan(0);
    const json = byTest(page, 'qr-json');
    await expect.poll(() => json.textContent()).toContain('BASE_URL');
    expect(await json.textContent()).toContain(run.publicUrl ?? server.listenUrl);
    expect(await byTest(page, 'token-row').count()).toBe(1);
    await shot('enrolment');
  });

  test('device list shows enrolled phones', async () => {
    const api = await adminApi();
    const [token] = await api.get<{ id: string }[]>('enrolment/tokens');
    for (const phone of PHONES) await enrolPhone(`${server.listenUrl}${run.projectPath}`, token!.id, phone);

    await open('/devices');
    const rows = byTest(page, 'device-row');
    await expect.poll(() => rows.count()).toBe(PHONES.length);
    const tableText = await byTest(page, 'device-table').textContent();
    for (const phone of PHONES) {
      expect(tableText).toContain(phone.deviceId);
      expect(tableText).toContain(phone.model);
    }
    expect(tableText).toContain(POLICY_NAME);
    await shot('devices');

    await fillField(page, 'device-search', 'chw-kono');
    await expect.poll(() => rows.count()).toBe(2);
    await fillField(page, 'device-search', '');
    await expect.poll(() => rows.count()).toBe(PHONES.length);
  });

  test('device list sorts by battery', async () => {
    const batteryHeader = byTest(page, 'column-battery').locator('button');
    const firstRow = byTest(page, 'device-row').first();

    await batteryHeader.click();
    await expect.poll(() => firstRow.textContent()).toContain('12%');
    await batteryHeader.click();
    await expect.poll(() => firstRow.textContent()).toContain('81%');
  });

  test('device list pages with Next and Previous', async () => {
    const api = await adminApi();
    const [token] = await api.get<{ id: string }[]>('enrolment/tokens');
    const extraPhones = fillerPhones(MIN_PAGE_SIZE);
    for (const phone of extraPhones) await enrolPhone(`${server.listenUrl}${run.projectPath}`, token!.id, phone);
    const total = PHONES.length + extraPhones.length;
    await page.reload();

    const rows = byTest(page, 'device-row');
    await chooseOption(page, 'page-size', String(MIN_PAGE_SIZE));
    await expect.poll(() => rows.count()).toBe(MIN_PAGE_SIZE);
    const firstDeviceId = await rows.first().locator('a').textContent();
    expect(await byTest(page, 'page-previous').isDisabled()).toBe(true);

    await byTest(page, 'page-next').click();
    await expect.poll(() => rows.count()).toBe(total - MIN_PAGE_SIZE);
    expect(await byTest(page, 'page-next').isDisabled()).toBe(true);

    await byTest(page, 'page-previous').click();
    await expect.poll(() => rows.count()).toBe(MIN_PAGE_SIZE);
    expect(await rows.first().locator('a').textContent()).toBe(firstDeviceId);
  });

  test('device detail shows inventory and apps', async () => {
    const api = await adminApi();
    await api.post('org-units', { name: ORG_UNIT_NAME });
    const first = PHONES[0]!;
    await fillField(page, 'device-search', first.deviceId);
    await expect.poll(() => byTest(page, 'device-row').count()).toBe(1);
    await byTest(page, 'device-row').locator('a', { hasText: first.deviceId }).click();

    await byTest(page, 'device-inventory').waitFor();
    expect(await byTest(page, 'device-inventory').textContent()).toContain(first.serial);
    expect(await byTest(page, 'device-apps').textContent()).toContain('Up to date');
    expect(await byTest(page, 'device-locations').textContent()).toContain(first.location.lat.toFixed(4));
    await byTest(page, 'device-raw').locator('button').click();
    expect(await byTest(page, 'device-raw').textContent()).toContain(first.imei);

    await chooseOption(page, 'assign-org-unit', ORG_UNIT_NAME);
    await byTest(page, 'assign-save').click();
    await byTest(page, 'assign-saved').waitFor();
    await expect.poll(() => byTest(page, 'device-inventory').textContent()).toContain(ORG_UNIT_NAME);

    await byTest(page, 'command-send').click();
    await expect.poll(() => byTest(page, 'device-commands').textContent()).toContain('Queued');
    expect(await byTest(page, 'device-commands').textContent()).toContain('Reboot');
    await shot('device-detail');
  });

  test('fleet overview counts the phones', async () => {
    const total = String(PHONES.length + MIN_PAGE_SIZE);
    await open('/');
    await expect.poll(() => byTest(page, 'fleet-total').textContent()).toContain(total);
    expect(await byTest(page, 'fleet-online').textContent()).toContain(total);
    expect(await byTest(page, 'fleet-enrolledToday').textContent()).toContain(total);
    await shot('fleet');
  });

  test('fleet overview refreshes every 30 seconds', async () => {
    const clockPage = await context.newPage();
    await clockPage.clock.install();
    await clockPage.goto(`${consoleUrl}#/`);
    const totalTile = byTest(clockPage, 'fleet-total');
    await expect.poll(() => totalTile.textContent()).toContain(String(PHONES.length + MIN_PAGE_SIZE));

    const api = await adminApi();
    const [token] = await api.get<{ id: string }[]>('enrolment/tokens');
    const [latePhone] = fillerPhones(MIN_PAGE_SIZE + 1).slice(MIN_PAGE_SIZE);
    await enrolPhone(`${server.listenUrl}${run.projectPath}`, token!.id, latePhone!);
    await clockPage.clock.runFor(FLEET_REFRESH_MS);

    await expect.poll(() => totalTile.textContent()).toContain(String(PHONES.length + MIN_PAGE_SIZE + 1));
    await clockPage.close();
  });

  test('simulated fleet appears in the list', async () => {
    const api = await adminApi();
    const [token] = await api.get<{ id: string }[]>('enrolment/tokens');
    const qr = await api.get<unknown>(`enrolment/tokens/${token!.id}/qr.json`);
    // The QR names the unreachable public URL; serverUrl keeps its project path.
    fleet = await startFleet({ qr, count: SIMULATED_AGENTS, speed: SIMULATOR_SPEED, seed: 7, serverUrl: server.listenUrl });
    await fleet.waitFor((running) => running.agents.every((agent) => agent.counters.infos >= 1), SIMULATOR_WAIT_MS);

    await open('/devices');
    for (const agent of fleet.agents) {
      await fillField(page, 'device-search', agent.deviceId);
      const row = byTest(page, 'device-row').filter({ hasText: agent.deviceId });
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.textContent()).toContain(agent.profile.model);
    }
    await fillField(page, 'device-search', '');
    await shot('devices-simulated');
  });

  test('audit trail lists the changes', async () => {
    await open('/audit');
    const rows = byTest(page, 'audit-row');
    await rows.first().waitFor();
    const text = await byTest(page, 'audit-table').textContent();
    expect(text).toContain('policy.create');
    await shot('audit');
  });

  test('revoked QR code no longer enrols', async () => {
    await open('/enrolment');
    const row = byTest(page, 'token-row');
    await row.locator('[data-test="token-revoke"]').click();
    await byTest(page, 'confirm-action').click();

    await expect.poll(() => row.textContent()).toContain('Revoked');
    const api = await adminApi();
    const [token] = await api.get<{ id: string }[]>('enrolment/tokens');
    const phone = { ...PHONES[0]!, deviceId: 'after-revoke-001', serial: 'REVOKED0001' };
    await expect(enrolPhone(`${server.listenUrl}${run.projectPath}`, token!.id, phone)).rejects.toThrow(/rejected/);
  });

  test('server paths open the console root', async () => {
    await page.goto(`${server.listenUrl}${run.projectPath}/devices`);
    await byTest(page, 'device-table').waitFor();
    expect(new URL(page.url()).hash).toBe('#/devices');

    await page.goto(`${server.listenUrl}${run.projectPath}/policies/new`);
    await byTest(page, 'policy-form').waitFor();

    await page.goto(`${server.listenUrl}${run.projectPath || '/'}`);
    await byTest(page, 'fleet-summary').waitFor();
  });

  test('sign-out returns to the login page', async () => {
    await byTest(page, 'sign-out').click();
    await byTest(page, 'login-form').waitFor();
    await page.reload();
    await byTest(page, 'login-form').waitFor();
    expect(pageErrors).toEqual([]);
  });
});
