import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deviceInfo, enrol, postJson, seedToken, sync } from '../agent-api/helpers.js';
import type { TestServer } from '../support/server.js';
import { ApiClient, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';
import { insertAppVersion } from './support/fixtures.js';

// Phones speak the agent protocol over HTTP; the test reads compliance
// through the admin API after each step.

describe('compliance', () => {
  let server: TestServer;
  let admin: ApiClient;
  let phoneCount = 0;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  async function createPolicy(body: Record<string, unknown>) {
    const response = await admin.post('/v1/policies', { name: `Compliance ${++phoneCount}`, ...body });
    expect(response.status).toBe(201);
    return response.body as { id: string; name: string; version: number };
  }

  /** Enrols a phone on the policy and returns its record id; the enrolment is its first fetch. */
  async function enrolPhone(policyId: string): Promise<{ deviceId: string; pk: string }> {
    const deviceId = `compliance-${++phoneCount}`;
    const tokenId = await seedToken(server.ctx, { policyId });
    const response = await enrol(server, deviceId, tokenId);
    expect(response.json?.status).toBe('OK');
    const device = await server.ctx.store.devices.findByDeviceId(deviceId);
    return { deviceId, pk: device!.id };
  }

  const report = (deviceId: string, extra: Record<string, unknown> = {}) =>
    postJson(server, '/rest/public/sync/info', deviceInfo(deviceId, extra));
  const complianceOf = async (pk: string) => (await admin.get(`/v1/devices/${pk}/compliance`)).body;

  it('is pending until the report', async () => {
    const policy = await createPolicy({});
    const phone = await enrolPhone(policy.id);

    const fetched = await complianceOf(phone.pk);
    expect(fetched.policy.state).toBe('pending');
    expect(fetched.policy.fetchedCurrent).toBe(true);
    expect(fetched.compliant).toBe(false);
    expect(fetched.issues).toContain('policy-pending');

    await report(phone.deviceId);
    const applied = await complianceOf(phone.pk);
    expect(applied.policy.state).toBe('applied');
    expect(applied.policy.appliedVersion).toBe(1);
    expect(applied.compliant).toBe(true);
  });

  it('a report without a fetch keeps a new version pending', async () => {
    const policy = await createPolicy({});
    const phone = await enrolPhone(policy.id);
    await report(phone.deviceId);

    await admin.put(`/v1/policies/${policy.id}`, { name: policy.name, settings: { restrictions: ['no_safe_boot'] } });
    await report(phone.deviceId);
    const reportedOnly = await complianceOf(phone.pk);
    expect(reportedOnly.policy.state).toBe('pending');
    expect(reportedOnly.policy.currentVersion).toBe(2);
    expect(reportedOnly.policy.appliedVersion).toBe(1);
    expect(reportedOnly.policy.fetchedCurrent).toBe(false);

    await sync(server, phone.deviceId);
    expect((await complianceOf(phone.pk)).policy.state).toBe('pending');
    await report(phone.deviceId);
    const applied = await complianceOf(phone.pk);
    expect(applied.policy.state).toBe('applied');
    expect(applied.policy.appliedVersion).toBe(2);
  });

  it('policy counts follow the versions', async () => {
    const policy = await createPolicy({});
    const first = await enrolPhone(policy.id);
    await enrolPhone(policy.id);
    await report(first.deviceId);

    const counts = (await admin.get(`/v1/policies/${policy.id}`)).body.devices;
    expect(counts).toEqual({ applied: 1, pending: 1, neverFetched: 0 });

    const versions = await admin.get(`/v1/policies/${policy.id}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.map((version: { version: number }) => version.version)).toEqual([1]);
    expect(versions.body[0].appliedDevices).toBe(1);
    expect(versions.body[0].current).toBe(true);
  });

  it('compares installed apps with the fetched targets', async () => {
    const v150 = await insertAppVersion(server.ctx, 'org.example.capture', 150, '3.0');
    await insertAppVersion(server.ctx, 'org.example.capture', 149, '2.9');
    const policy = await createPolicy({
      apps: [
        { packageName: 'org.example.capture', appVersionId: v150, action: 'install' },
        { packageName: 'org.example.game', action: 'remove' },
      ],
    });
    const phone = await enrolPhone(policy.id);

    await report(phone.deviceId, {
      applications: [
        { name: 'Capture', pkg: 'org.example.capture', version: '2.9' },
        { name: 'Game', pkg: 'org.example.game', version: '1.0' },
      ],
    });
    const outdated = await complianceOf(phone.pk);
    expect(outdated.issues).toEqual(['apps-not-current']);
    const states = Object.fromEntries(outdated.apps.map((app: { packageName: string; state: string }) => [app.packageName, app.state]));
    expect(states).toEqual({ 'org.example.capture': 'outdated', 'org.example.game': 'removal-pending' });

    await report(phone.deviceId, { applications: [{ name: 'Capture', pkg: 'org.example.capture', version: '3.0' }] });
    const current = await complianceOf(phone.pk);
    expect(current.compliant).toBe(true);
    expect(current.apps[0]).toMatchObject({ installedVersionCode: 150, targetVersionCode: 150, state: 'current' });
  });

  it('takes app targets from a running rollout', async () => {
    const v200 = await insertAppVersion(server.ctx, 'org.example.rolled', 200, '2.0');
    await insertAppVersion(server.ctx, 'org.example.rolled', 201, '2.1');
    const policy = await createPolicy({ apps: [{ packageName: 'org.example.rolled', appVersionId: v200, action: 'install' }] });
    const phone = await enrolPhone(policy.id);
    await report(phone.deviceId, { applications: [{ name: 'Rolled', pkg: 'org.example.rolled', version: '2.0' }] });
    expect((await complianceOf(phone.pk)).compliant).toBe(true);

    const rollout = await admin.post('/v1/rollouts', {
      packageName: 'org.example.rolled',
      versionCode: 201,
      stages: [{ startsAt: server.ctx.now(), percent: 100, failureThreshold: 100 }],
      start: true,
    });
    expect(rollout.status).toBe(201);
    await sync(server, phone.deviceId);
    await report(phone.deviceId, { applications: [{ name: 'Rolled', pkg: 'org.example.rolled', version: '2.0' }] });

    const offered = await complianceOf(phone.pk);
    expect(offered.apps[0]).toMatchObject({ targetVersionCode: 201, installedVersionCode: 200, state: 'outdated' });
    expect(offered.issues).toEqual(['apps-not-current']);
  });

  it('reports agent facts and unreported ones', async () => {
    const policy = await createPolicy({
      settings: { passwordMode: 'moderate', restrictions: ['no_config_tethering', 'no_wifi_tethering'], kioskMode: true, kioskApp: 'com.dhis2' },
    });
    const phone = await enrolPhone(policy.id);
    await report(phone.deviceId, { mdmMode: false, permissions: [0, 1, 1, 1], androidVersion: '12' });

    const result = await complianceOf(phone.pk);
    expect(result.issues).toEqual(['not-device-owner', 'device-admin-off', 'paid-settings-unsupported']);
    expect(result.deviceOwner).toBe(false);
    expect(result.password).toEqual({ required: 'moderate', reported: 'not reported by this agent' });
    expect(result.restrictions.reported).toBe('not reported by this agent');
    const wifiTethering = result.restrictions.required.find((entry: { key: string }) => entry.key === 'no_wifi_tethering');
    expect(wifiTethering).toMatchObject({ known: true, minSdk: 33, unsupportedByAndroid: true });
    expect(result.capabilities.launcherType).toBe('opensource');
    expect(result.capabilities.permissions).toEqual({ deviceAdmin: false, drawOverlays: true, usageStats: true, accessibility: true });
    expect(result.paidSettings).toEqual({ state: 'unsupported', settings: ['kioskMode', 'kioskApp'] });
  });

  it('summary and list count and filter', async () => {
    const policy = await createPolicy({});
    const applied = await enrolPhone(policy.id);
    const pending = await enrolPhone(policy.id);
    await report(applied.deviceId);

    const summary = (await admin.get('/v1/compliance/summary')).body;
    expect(summary.total).toBe(summary.compliant + summary.needsAttention);
    expect(summary.byPolicyState.applied + summary.byPolicyState.pending).toBeGreaterThanOrEqual(2);

    const list = await admin.get(`/v1/compliance/devices?policyId=${policy.id}&policyState=pending`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].devicePk).toBe(pending.pk);

    const attention = await admin.get(`/v1/compliance/devices?policyId=${policy.id}&needsAttention=true`);
    expect(attention.body.items.map((item: { devicePk: string }) => item.devicePk)).toEqual([pending.pk]);

    const byIssue = await admin.get(`/v1/compliance/devices?issue=policy-pending&limit=500`);
    expect(byIssue.body.items.some((item: { devicePk: string }) => item.devicePk === pending.pk)).toBe(true);
    expect(byIssue.body.items.some((item: { devicePk: string }) => item.devicePk === applied.pk)).toBe(false);
  });

  it('a device never fetched is never-fetched', async () => {
    const policy = await createPolicy({});
    const pk = await insertDevice(server.ctx, { device_id: `never-${++phoneCount}`, policy_id: policy.id });

    const result = await complianceOf(pk);
    expect(result.policy.state).toBe('never-fetched');
    expect(result.apps).toBeNull();
    expect(result.issues).toEqual(['never-fetched']);
  });

  it.each([
    ['issue=compliant', 'query.issue'],
    ['policyState=done', 'query.policyState'],
    ['limit=0', 'query.limit'],
    ['limit=501', 'query.limit'],
    ['offset=-1', 'query.offset'],
    ['needsAttention=maybe', 'query.needsAttention'],
    ['colour=red', 'query.colour'],
  ])('list query %s is 400', async (query, field) => {
    const response = await admin.get(`/v1/compliance/devices?${query}`);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
  });

  it('unknown device is 404', async () => {
    const response = await admin.get('/v1/devices/no-such-device/compliance');

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('params.id');
  });

  it('lists only devices in the caller org units', async () => {
    const policy = await createPolicy({});
    const inside = await admin.post('/v1/org-units', { name: `Inside ${++phoneCount}` });
    const outside = await admin.post('/v1/org-units', { name: `Outside ${++phoneCount}` });
    const visible = await insertDevice(server.ctx, { device_id: `scoped-in-${phoneCount}`, policy_id: policy.id, org_unit_id: inside.body.id });
    const hidden = await insertDevice(server.ctx, { device_id: `scoped-out-${phoneCount}`, policy_id: policy.id, org_unit_id: outside.body.id });

    const username = `scoped-${phoneCount}`;
    const created = await admin.post('/v1/users', { username, password: 'scoped-password-1234', role: 'viewer', orgUnitIds: [inside.body.id] });
    expect(created.status).toBe(201);
    const scoped = new ApiClient(server);
    expect((await scoped.login(username, 'scoped-password-1234')).status).toBe(200);

    const list = await scoped.get('/v1/compliance/devices?limit=500');
    expect(list.body.items.map((item: { devicePk: string }) => item.devicePk)).toEqual([visible]);
    expect((await scoped.get('/v1/compliance/summary')).body.total).toBe(1);
    expect((await scoped.get(`/v1/devices/${hidden}/compliance`)).status).toBe(404);
    expect((await scoped.get(`/v1/devices/${hidden}/overrides`)).status).toBe(404);
  });

  it('viewers can read compliance', async () => {
    const viewer = await signInWithRole(server, admin, 'viewer');

    expect((await viewer.get('/v1/compliance/summary')).status).toBe(200);
    expect((await viewer.get('/v1/compliance/devices')).status).toBe(200);
    expect((await viewer.get('/v1/restrictions')).status).toBe(200);
  });
});
