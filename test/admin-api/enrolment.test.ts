import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, startApiServer } from './support/client.js';
import { FIXTURE_APK as fixtureApkPath } from '../support/fixtures.js';

const FIXTURE_APK = fixtureApkPath;
// Values from the fixture's README, printed there by apksigner and sha256sum.
const FIXTURE_FILE_CHECKSUM = 'TF1gq1rlZQKFfcYl4d3imW-m2eZMR5u85ZIUd04hKd0=';
const FIXTURE_SIGNATURE_CHECKSUM = 'aA27w5qwlEeWyBG2NqzlEMjlUTFwhwNs66sHUbCmGQw=';

const KEY = {
  component: 'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME',
  download: 'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION',
  fileChecksum: 'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM',
  signatureChecksum: 'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM',
  systemApps: 'android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED',
  skipEncryption: 'android.app.extra.PROVISIONING_SKIP_ENCRYPTION',
  wifiSsid: 'android.app.extra.PROVISIONING_WIFI_SSID',
  wifiPassword: 'android.app.extra.PROVISIONING_WIFI_PASSWORD',
  wifiSecurity: 'android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE',
  mobileData: 'android.app.extra.PROVISIONING_USE_MOBILE_DATA',
  extras: 'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE',
};

const SPECIAL_NAME = 'Équipe "Nord", Kénéba & Co';

async function uploadFixture(admin: ApiClient) {
  const response = await admin.request('POST', '/v1/apps/upload?fileName=agent%20build.apk', {
    raw: fs.readFileSync(FIXTURE_APK),
    contentType: 'application/vnd.android.package-archive',
  });
  expect(response.status).toBe(201);
  return response.body.version;
}

async function createPolicyAndUnit(admin: ApiClient) {
  const policy = await admin.post('/v1/policies', { name: SPECIAL_NAME });
  const unit = await admin.post('/v1/org-units', { id: 'keneba', name: SPECIAL_NAME });
  expect(policy.status).toBe(201);
  expect(unit.status).toBe(201);
  return { policyId: policy.body.id as string, orgUnitId: unit.body.id as string };
}

describe('enrolment agent and tokens', () => {
  let server: TestServer;
  let admin: ApiClient;
  let policyId: string;
  let orgUnitId: string;

  beforeAll(async () => {
    server = await startApiServer({ publicUrl: 'https://mdm.example.org' });
    admin = await signInAsAdmin(server);
    ({ policyId, orgUnitId } = await createPolicyAndUnit(admin));
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('agent is empty before one is chosen', async () => {
    const response = await admin.get('/v1/enrolment/agent');

    expect(response.status).toBe(200);
    expect(response.body.appVersionId).toBeNull();
  });

  it('QR without an agent is 409 explaining the fix', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId });
    const response = await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`);

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('agent_not_chosen');
    expect(response.body.message).toMatch(/upload.*agent APK/i);
    expect(response.body.message).toContain('/enrolment/agent');
  });

  it('token for a missing policy is 404 naming it', async () => {
    const response = await admin.post('/v1/enrolment/tokens', { policyId: 'no-such-policy' });

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('body.policyId');
    expect(response.body.message).toContain('no-such-policy');
  });

  it('PUT agent returns checksums from the stored file', async () => {
    const version = await uploadFixture(admin);
    const response = await admin.put('/v1/enrolment/agent', { appVersionId: version.id });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      appVersionId: version.id,
      packageName: 'io.appium.settings',
      versionCode: 192,
      fileChecksum: FIXTURE_FILE_CHECKSUM,
      signatureChecksum: FIXTURE_SIGNATURE_CHECKSUM,
      adminComponent: 'io.appium.settings/com.hmdm.launcher.AdminReceiver',
    });
    expect((await admin.get('/v1/enrolment/agent')).body).toEqual(response.body);
  });

  it('adminComponent of another package is 400', async () => {
    const agent = await admin.get('/v1/enrolment/agent');
    const response = await admin.put('/v1/enrolment/agent', {
      appVersionId: agent.body.appVersionId,
      adminComponent: 'com.hmdm.launcher/com.hmdm.launcher.AdminReceiver',
    });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.adminComponent');
  });

  it('QR JSON carries the agent, server and token', async () => {
    const agent = await admin.get('/v1/enrolment/agent');
    const token = await admin.post('/v1/enrolment/tokens', { policyId, orgUnitId, label: SPECIAL_NAME, deviceIdSource: 'serial' });
    const response = await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`);
    const qr = JSON.parse(response.bytes.toString('utf8'));

    expect(response.status).toBe(200);
    expect(qr[KEY.component]).toBe('io.appium.settings/com.hmdm.launcher.AdminReceiver');
    expect(qr[KEY.download]).toBe(`https://mdm.example.org/files/apps/${agent.body.appVersionId}/agent_build.apk`);
    expect(qr[KEY.fileChecksum]).toBe(FIXTURE_FILE_CHECKSUM);
    expect(qr[KEY.signatureChecksum]).toBe(FIXTURE_SIGNATURE_CHECKSUM);
    expect(qr[KEY.systemApps]).toBe(true);
    expect(qr[KEY.skipEncryption]).toBe(true);
    expect(qr[KEY.wifiSsid]).toBeUndefined();
    expect(qr[KEY.extras]).toEqual({
      'com.hmdm.BASE_URL': 'https://mdm.example.org',
      'com.hmdm.SERVER_PROJECT': '',
      'com.hmdm.CONFIG': token.body.id,
      'com.hmdm.DEVICE_ID_USE': 'serial',
    });
  });

  it('BASE_URL has no listen port', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId });
    const qr = (await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`)).body;
    const listenPort = new URL(server.listenUrl).port;

    expect(qr[KEY.extras]['com.hmdm.BASE_URL']).toBe('https://mdm.example.org');
    expect(qr[KEY.extras]['com.hmdm.BASE_URL']).not.toContain(listenPort);
  });

  it('special characters survive the QR JSON', async () => {
    const token = await admin.post('/v1/enrolment/tokens', {
      policyId,
      orgUnitId,
      label: SPECIAL_NAME,
      wifiSsid: 'Kénéba & "Co", 5G',
      wifiPassword: 'pa"ss, wörd & más',
      wifiSecurity: 'WPA',
      useMobileData: true,
      presetDeviceId: 'Équipe-Nord-01',
    });
    expect(token.status).toBe(201);
    expect(token.body.policyName).toBe(SPECIAL_NAME);
    expect(token.body.label).toBe(SPECIAL_NAME);

    const response = await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`);
    const qr = JSON.parse(response.bytes.toString('utf8'));
    expect(qr[KEY.wifiSsid]).toBe('Kénéba & "Co", 5G');
    expect(qr[KEY.wifiPassword]).toBe('pa"ss, wörd & más');
    expect(qr[KEY.wifiSecurity]).toBe('WPA');
    expect(qr[KEY.mobileData]).toBe(true);
    expect(qr[KEY.extras]['com.hmdm.DEVICE_ID']).toBe('Équipe-Nord-01');
    expect(qr[KEY.extras]['com.hmdm.DEVICE_ID_USE']).toBeUndefined();

    const listed = (await admin.get('/v1/enrolment/tokens')).body.find((entry: { id: string }) => entry.id === token.body.id);
    expect(listed.policyName).toBe(SPECIAL_NAME);
    expect(listed.usesLeft).toBe(1);
    const units = (await admin.get('/v1/org-units')).body;
    expect(units.find((unit: { id: string }) => unit.id === orgUnitId).name).toBe(SPECIAL_NAME);
  });

  it('every admin-extras value is a string', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId, presetDeviceId: '12345', useMobileData: true });
    const qr = (await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`)).body;
    const extras = qr[KEY.extras] as Record<string, unknown>;

    expect(Object.keys(extras).length).toBeGreaterThanOrEqual(4);
    for (const [key, value] of Object.entries(extras)) {
      expect(typeof value, key).toBe('string');
    }
  });

  it('QR PNG is a PNG image', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId, label: SPECIAL_NAME });
    const response = await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.png?size=300`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.bytes.length).toBeGreaterThan(100);
    expect(response.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // The IHDR chunk stores the width at byte 16.
    expect(response.bytes.readUInt32BE(16)).toBe(300);
  });

  it('QR PNG size out of range is 400', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId });
    const response = await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.png?size=10`);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.size');
  });

  it('revoked token lists revokedAt and has no QR', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId });
    const revoked = await admin.post(`/v1/enrolment/tokens/${token.body.id}/revoke`);
    const again = await admin.post(`/v1/enrolment/tokens/${token.body.id}/revoke`);
    const qr = await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`);

    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(Number));
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect(qr.status).toBe(409);
    expect(qr.body.error).toBe('token_revoked');
  });

  it('expired token has no QR', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId, expiresInHours: 1 });
    const realNow = server.ctx.now;
    server.ctx.now = () => realNow() + 2 * 3_600_000;
    try {
      const qr = await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`);
      expect(qr.status).toBe(409);
      expect(qr.body.error).toBe('token_expired');
    } finally {
      server.ctx.now = realNow;
    }
  });

  it('token defaults to one week and lists its QR URLs', async () => {
    const before = Date.now();
    const token = await admin.post('/v1/enrolment/tokens', { policyId });

    expect(token.body.expiresAt).toBeGreaterThanOrEqual(before + 7 * 24 * 3_600_000);
    expect(token.body.usesLeft).toBeNull();
    expect(token.body.qrJsonUrl).toBe(`/api/v1/enrolment/tokens/${token.body.id}/qr.json`);
    expect(token.body.qrPngUrl).toBe(`/api/v1/enrolment/tokens/${token.body.id}/qr.png`);
  });

  it('audit records tokens without the token value', async () => {
    const token = await admin.post('/v1/enrolment/tokens', { policyId, wifiSsid: 'net', wifiPassword: 'wifi-secret-123' });
    const audit = JSON.stringify(await server.ctx.store.audit.list(200));

    expect(audit).toContain('enrolment.token.create');
    expect(audit).not.toContain(token.body.id);
    expect(audit).not.toContain('wifi-secret-123');
  });
});

describe('QR under a project path', () => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startApiServer({ publicUrl: 'http://127.0.0.1:1/outpost' });
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('SERVER_PROJECT is the path and BASE_URL has none', async () => {
    const version = await uploadFixture(admin);
    await admin.put('/v1/enrolment/agent', { appVersionId: version.id, adminComponent: 'io.appium.settings/.Receiver' });
    const { policyId } = await createPolicyAndUnit(admin);
    const token = await admin.post('/v1/enrolment/tokens', { policyId });
    const qr = (await admin.get(`/v1/enrolment/tokens/${token.body.id}/qr.json`)).body;

    expect(token.body.qrJsonUrl).toBe(`/outpost/api/v1/enrolment/tokens/${token.body.id}/qr.json`);
    expect(qr[KEY.extras]['com.hmdm.BASE_URL']).toBe('http://127.0.0.1:1');
    expect(qr[KEY.extras]['com.hmdm.SERVER_PROJECT']).toBe('outpost');
    expect(qr[KEY.download]).toBe(`http://127.0.0.1:1/outpost/files/apps/${version.id}/agent_build.apk`);
    expect(qr[KEY.component]).toBe('io.appium.settings/.Receiver');
  });
});
