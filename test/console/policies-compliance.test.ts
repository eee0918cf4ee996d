// Drives the policy editor, the compliance dashboard and the device page's
// compliance and override sections of the built console (dist/console) in
// headless Chromium against a real Outpost, with phones speaking the agent
// protocol over HTTP. Build it first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { AdminHttp } from './admin-http.js';
import { enrolPhone, fillerPhones } from './agent-http.js';
import { byTest, chooseOption, expectConsoleServed, fillField, openSignedInPage, REPO_ROOT, saveScreenshot } from './page-helpers.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;
const POLICY_NAME = 'Kailahun CHW phones';
const PHONE_COUNT = 3;

interface PolicyView {
  id: string;
  version: number;
  settings: { restrictions: string[]; extraRestrictions: string[] };
  unknownRestrictions: string[];
  devices: { applied: number; pending: number; neverFetched: number };
}

interface Summary {
  total: number;
  compliant: number;
  needsAttention: number;
  byPolicyState: Record<string, number>;
}

async function agentCall(url: string, init?: RequestInit): Promise<void> {
  const response = await fetch(url, init);
  expect(response.status, `${url}: ${await response.text()}`).toBe(200);
}

describe('policy editor and compliance screens', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  let api: AdminHttp;
  let policyId: string;
  const phones = fillerPhones(PHONE_COUNT);
  const pageErrors: string[] = [];
  const shot = (name: string) => saveScreenshot(page, `compliance-${name}`);

  const syncAndReport = async (deviceId: string, extra: Record<string, unknown> = {}) => {
    await agentCall(`${server.listenUrl}/rest/public/sync/configuration/${encodeURIComponent(deviceId)}`);
    await agentCall(`${server.listenUrl}/rest/public/sync/info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ deviceId, mdmMode: true, launcherType: 'opensource', permissions: [1, 1, 1, 1], ...extra }),
    });
  };
  const tileValue = async (dataTest: string) => Number((await byTest(page, dataTest).locator('div').first().textContent())?.trim());

  beforeAll(async () => {
    const buildHint = `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`;
    expect(fs.existsSync(BUILT_CONSOLE), buildHint).toBe(true);
    server = await startTestServer();
    consoleUrl = `${server.listenUrl}/`;
    await expectConsoleServed(consoleUrl);
    api = await AdminHttp.signIn(consoleUrl);

    const policy = await api.post<PolicyView>('policies', { name: POLICY_NAME });
    policyId = policy.id;
    const token = await api.post<{ id: string }>('enrolment/tokens', { policyId, maxUses: 10 });
    for (const phone of phones) await enrolPhone(server.listenUrl, token.id, phone);

    browser = await launchBrowser();
    page = await openSignedInPage(browser, consoleUrl, pageErrors, UI_STEP_TIMEOUT_MS);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test('editor shows devices applied before the change', async () => {
    await page.goto(`${consoleUrl}#/policies/${policyId}`);
    await byTest(page, 'policy-form').waitFor();
    await expect.poll(() => byTest(page, 'policy-device-counts').textContent()).toContain(`Applied: ${PHONE_COUNT}`);
  });

  test('editor saves a restriction switch and an unknown key', async () => {
    await byTest(page, 'restriction-no_config_tethering').locator('input').check();
    await fillField(page, 'extra-restriction-key', 'no_printing');
    await byTest(page, 'extra-restriction-add').click();
    await expect.poll(() => byTest(page, 'extra-restrictions').textContent()).toContain('no_printing (unknown)');
    await fillField(page, 'time-zone', 'Africa/Freetown');
    await shot('policy-restrictions');
    await byTest(page, 'policy-save').click();
    await byTest(page, 'policy-row').filter({ hasText: POLICY_NAME }).waitFor();

    const policy = await api.get<PolicyView>(`policies/${policyId}`);
    expect(policy.version).toBe(2);
    expect(policy.settings.restrictions).toEqual(['no_config_tethering']);
    expect(policy.unknownRestrictions).toEqual(['no_printing']);
    expect(policy.devices).toEqual({ applied: 0, pending: PHONE_COUNT, neverFetched: 0 });
    expect(await byTest(page, 'policy-applied').first().textContent()).toContain(`0 / ${PHONE_COUNT}`);
  });

  test('editor rejects a bad time zone with the field named', async () => {
    await page.goto(`${consoleUrl}#/policies/${policyId}`);
    await byTest(page, 'policy-form').waitFor();
    await fillField(page, 'time-zone', 'Africa/Atlantis');
    await byTest(page, 'policy-save').click();
    await expect.poll(() => page.locator('form[data-test="policy-form"]').textContent()).toContain('body.settings.timeZone');
    expect((await api.get<PolicyView>(`policies/${policyId}`)).version).toBe(2);
  });

  test('dashboard shows counts and the pending devices', async () => {
    await page.goto(`${consoleUrl}#/compliance`);
    await byTest(page, 'compliance-summary').waitFor();
    await expect.poll(() => tileValue('compliance-total')).toBe(PHONE_COUNT);
    expect(await tileValue('compliance-attention')).toBe(PHONE_COUNT);
    expect(await byTest(page, 'state-count-pending').textContent()).toContain(String(PHONE_COUNT));
    await expect.poll(() => byTest(page, 'compliance-row').count()).toBe(PHONE_COUNT);
    await shot('dashboard-pending');

    await syncAndReport(phones[0]!.deviceId);
    await byTest(page, 'compliance-refresh').click();
    await expect.poll(() => tileValue('compliance-compliant')).toBe(1);
    await expect.poll(() => byTest(page, 'compliance-row').count()).toBe(PHONE_COUNT - 1);
    const summary = await api.get<Summary>('compliance/summary');
    expect(summary).toMatchObject({ total: PHONE_COUNT, compliant: 1, needsAttention: PHONE_COUNT - 1 });
    expect(summary.byPolicyState.applied).toBe(1);
  });

  test('dashboard filters by issue and links to the device', async () => {
    await syncAndReport(phones[1]!.deviceId, { mdmMode: false });
    await byTest(page, 'compliance-refresh').click();
    await chooseOption(page, 'filter-issue', 'Agent is not device owner');
    await expect.poll(() => byTest(page, 'compliance-row').count()).toBe(1);
    const row = byTest(page, 'compliance-row').first();
    expect(await row.textContent()).toContain(phones[1]!.deviceId);
    await shot('dashboard-filtered');

    await row.locator('a').click();
    await byTest(page, 'device-compliance').waitFor();
    await expect.poll(() => byTest(page, 'device-compliance-status').textContent()).toContain('Agent is not device owner');
    expect(await byTest(page, 'device-compliance').textContent()).toContain('not reported by this agent');
  });

  test('device page saves an override and shows it pending', async () => {
    await byTest(page, 'device-overrides').waitFor();
    await chooseOption(page, 'override-add-setting', 'Mobile data');
    await byTest(page, 'override-add').click();
    await byTest(page, 'override-row-mobileData').waitFor();
    await chooseOption(page, 'override-value', 'Keep off');
    await byTest(page, 'override-save').click();
    await expect.poll(() => byTest(page, 'device-overrides').textContent()).toContain('Revision 1');
    await expect.poll(() => byTest(page, 'device-compliance-status').textContent()).toContain('Policy version pending');
    await shot('device-overrides');

    const devices = await api.get<{ items: { id: string; deviceId: string }[] }>('devices');
    const device = devices.items.find((item) => item.deviceId === phones[1]!.deviceId)!;
    const overrides = await api.get<{ overrides: Record<string, unknown>; revision: number }>(`devices/${device.id}/overrides`);
    expect(overrides.overrides).toEqual({ mobileData: false });
    expect(overrides.revision).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
