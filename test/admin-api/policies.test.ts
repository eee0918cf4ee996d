import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { defaultPolicySettings } from '../../src/domain/policy-settings.js';
import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';
import { insertAppVersion, recordPushes } from './support/fixtures.js';

describe('policies', () => {
  let server: TestServer;
  let admin: ApiClient;
  let pushes: ReturnType<typeof recordPushes>;
  let nameCount = 0;
  const uniqueName = () => `Policy ${++nameCount}`;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    pushes = recordPushes(server.ctx);
  });
  beforeEach(() => {
    pushes.length = 0;
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('create merges settings over the defaults', async () => {
    const response = await admin.post('/v1/policies', {
      name: 'Community health workers',
      description: 'CHW phones',
      settings: { restrictions: ['no_config_tethering'], gps: true },
    });

    expect(response.status).toBe(201);
    expect(response.body.version).toBe(1);
    expect(response.body.description).toBe('CHW phones');
    const { adminPasswordMd5: _hidden, ...defaults } = defaultPolicySettings();
    expect(response.body.settings).toEqual({ ...defaults, restrictions: ['no_config_tethering'], gps: true });
    expect(response.body.deviceCount).toBe(0);
    expect(response.body.devices).toEqual({ applied: 0, pending: 0, neverFetched: 0 });
  });

  it('defaults match a new policy', async () => {
    const defaults = await admin.get('/v1/policies/defaults');
    const created = await admin.post('/v1/policies', { name: uniqueName() });

    expect(defaults.status).toBe(200);
    expect(defaults.body).toEqual(created.body.settings);
    expect(defaults.body).not.toHaveProperty('adminPasswordMd5');
    expect(defaults.body.pushMode).toBe(defaultPolicySettings().pushMode);
  });

  it('stores adminPassword only as upper-case MD5', async () => {
    const response = await admin.post('/v1/policies', { name: uniqueName(), adminPassword: 'panel-secret' });

    expect(response.status).toBe(201);
    expect(response.body.adminPasswordSet).toBe(true);
    expect(JSON.stringify(response.body)).not.toContain('436F4AC306BB661A6F384A68E5B03EB2');
    // md5("panel-secret") as coreutils md5sum prints it, upper-cased.
    const row = await server.ctx.store.policies.findById(response.body.id);
    expect(JSON.parse(row!.settings_json).adminPasswordMd5).toBe('436F4AC306BB661A6F384A68E5B03EB2');
    const stored = JSON.stringify(await server.ctx.store.db.selectFrom('policies').selectAll().execute());
    const audit = JSON.stringify(await server.ctx.store.audit.list(200));
    expect(stored).not.toContain('panel-secret');
    expect(audit).not.toContain('panel-secret');
  });

  it('adminPasswordMd5 in settings is 400', async () => {
    const response = await admin.post('/v1/policies', {
      name: uniqueName(),
      settings: { adminPasswordMd5: '5EBE2294ECD0E0F08EAB7690D2A6EE69' },
    });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.settings.adminPasswordMd5');
  });

  it('PUT keeps the password unless told', async () => {
    const created = await admin.post('/v1/policies', { name: uniqueName(), adminPassword: 'kept-secret' });
    const kept = await admin.put(`/v1/policies/${created.body.id}`, { name: created.body.name });
    expect(kept.body.adminPasswordSet).toBe(true);

    const cleared = await admin.put(`/v1/policies/${created.body.id}`, { name: created.body.name, clearAdminPassword: true });
    expect(cleared.body.adminPasswordSet).toBe(false);
  });

  it('adminPassword with clearAdminPassword is 400', async () => {
    const response = await admin.post('/v1/policies', { name: uniqueName(), adminPassword: 'x', clearAdminPassword: true });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.clearAdminPassword');
  });

  it('unknown setting is 400 naming the key', async () => {
    const response = await admin.post('/v1/policies', { name: uniqueName(), settings: { hotspot: false } });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.settings.hotspot');
    expect(response.body.message).toContain('hotspot');
  });

  it('setting of the wrong type is 400 naming it', async () => {
    const response = await admin.post('/v1/policies', { name: uniqueName(), settings: { keepaliveSeconds: 5 } });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.settings.keepaliveSeconds');
    expect(response.body.message).toContain('30');
  });

  it('duplicate name is 409', async () => {
    const name = uniqueName();
    await admin.post('/v1/policies', { name });
    const response = await admin.post('/v1/policies', { name });

    expect(response.status).toBe(409);
    expect(response.body.field).toBe('body.name');
  });

  it('duplicate name in other case is 409', async () => {
    await admin.post('/v1/policies', { name: 'Supervisors Kampala' });
    const response = await admin.post('/v1/policies', { name: 'SUPERVISORS kampala' });

    expect(response.status).toBe(409);
    expect(response.body.field).toBe('body.name');
    expect(response.body.message).toContain('"Supervisors Kampala"');
  });

  it('PUT saves a new version', async () => {
    const created = await admin.post('/v1/policies', { name: uniqueName(), settings: { gps: true } });
    const updated = await admin.put(`/v1/policies/${created.body.id}`, { name: created.body.name, settings: { wifi: false } });

    expect(updated.status).toBe(200);
    expect(updated.body.version).toBe(2);
    expect(updated.body.settings.wifi).toBe(false);
    expect(updated.body.settings.gps).toBeNull();
    const versions = await server.ctx.store.policies.listVersions(created.body.id);
    expect(versions.map((version) => version.version)).toEqual([2, 1]);
  });

  it('audit names the changed settings', async () => {
    const created = await admin.post('/v1/policies', { name: uniqueName(), settings: { gps: true } });
    await admin.put(`/v1/policies/${created.body.id}`, {
      name: created.body.name,
      settings: { gps: true, timeZone: 'Africa/Kampala' },
      adminPassword: 'audited-secret',
    });

    const events = await server.ctx.store.audit.list(200);
    const update = events.find((event) => event.action === 'policy.update' && event.target_id === created.body.id);
    const details = JSON.parse(update!.details_json!);
    expect(details.changedSettings).toEqual(['adminPasswordMd5', 'timeZone']);
    expect(details.adminPasswordChanged).toBe(true);
    expect(update!.details_json).not.toContain('audited-secret');
  });

  it('apps show versionCode and versionName', async () => {
    const versionId = await insertAppVersion(server.ctx, 'com.dhis2', 154, '3.4.0.1');
    const response = await admin.post('/v1/policies', {
      name: uniqueName(),
      apps: [
        { packageName: 'com.dhis2', appVersionId: versionId, action: 'install' },
        { packageName: 'com.android.chrome', action: 'remove' },
      ],
    });

    expect(response.status).toBe(201);
    expect(response.body.apps).toEqual([
      { packageName: 'com.android.chrome', appVersionId: null, versionCode: null, versionName: null, action: 'remove' },
      { packageName: 'com.dhis2', appVersionId: versionId, versionCode: 154, versionName: '3.4.0.1', action: 'install' },
    ]);
  });

  it('unknown app version is 404 naming the entry', async () => {
    const response = await admin.post('/v1/policies', {
      name: uniqueName(),
      apps: [{ packageName: 'com.dhis2', appVersionId: 'no-such-version', action: 'install' }],
    });

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('body.apps.0.appVersionId');
  });

  it('app version of another package is 400', async () => {
    const versionId = await insertAppVersion(server.ctx, 'org.example.other', 1);
    const response = await admin.post('/v1/policies', {
      name: uniqueName(),
      apps: [{ packageName: 'com.dhis2', appVersionId: versionId, action: 'install' }],
    });

    expect(response.status).toBe(400);
    expect(response.body.message).toContain('org.example.other');
  });

  it('install without a version is 400', async () => {
    const response = await admin.post('/v1/policies', { name: uniqueName(), apps: [{ packageName: 'com.dhis2', action: 'install' }] });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.apps.0.appVersionId');
  });

  it('the same package twice is 400', async () => {
    const response = await admin.post('/v1/policies', {
      name: uniqueName(),
      apps: [
        { packageName: 'com.android.chrome', action: 'remove' },
        { packageName: 'com.android.chrome', action: 'remove' },
      ],
    });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.apps.1.packageName');
  });

  it('PUT wakes every device on the policy', async () => {
    const created = await admin.post('/v1/policies', { name: uniqueName() });
    await insertDevice(server.ctx, { device_id: 'wake-1', policy_id: created.body.id });
    await insertDevice(server.ctx, { device_id: 'wake-2', policy_id: created.body.id });
    await insertDevice(server.ctx, { device_id: 'elsewhere' });
    pushes.length = 0;

    await admin.put(`/v1/policies/${created.body.id}`, { name: created.body.name, settings: { gps: true } });

    const woken = pushes.flatMap((push) => push.deviceIds).sort();
    expect(woken).toEqual(['wake-1', 'wake-2']);
    expect(pushes.every((push) => push.message.messageType === 'configUpdated')).toBe(true);
  });

  it('unchanged PUT keeps the version', async () => {
    const body = { name: uniqueName(), description: 'District A', settings: { gps: true }, adminPassword: 'same-secret' };
    const created = await admin.post('/v1/policies', body);
    await insertDevice(server.ctx, { device_id: 'unchanged-1', policy_id: created.body.id });
    const auditBefore = (await server.ctx.store.audit.list(500)).length;
    pushes.length = 0;

    const again = await admin.put(`/v1/policies/${created.body.id}`, { ...body, expectedVersion: 1 });

    expect(again.status).toBe(200);
    expect(again.body.version).toBe(1);
    expect(pushes).toEqual([]);
    expect((await server.ctx.store.audit.list(500)).length).toBe(auditBefore);
    expect((await server.ctx.store.policies.listVersions(created.body.id)).map((version) => version.version)).toEqual([1]);

    // A changed description is a new version.
    const changed = await admin.put(`/v1/policies/${created.body.id}`, { ...body, description: 'District B' });
    expect(changed.body.version).toBe(2);
    expect(pushes.flatMap((push) => push.deviceIds)).toEqual(['unchanged-1']);
  });

  it('removing an app version wakes the devices', async () => {
    const versionId = await insertAppVersion(server.ctx, 'org.example.removed', 5);
    const created = await admin.post('/v1/policies', {
      name: uniqueName(),
      apps: [{ packageName: 'org.example.removed', appVersionId: versionId, action: 'install' }],
    });
    await insertDevice(server.ctx, { device_id: 'removal-1', policy_id: created.body.id });
    pushes.length = 0;

    const updated = await admin.put(`/v1/policies/${created.body.id}`, { name: created.body.name, apps: [] });

    expect(updated.body.apps).toEqual([]);
    expect(pushes.flatMap((push) => push.deviceIds)).toEqual(['removal-1']);
  });

  it('deviceCount counts devices on the policy', async () => {
    const created = await admin.post('/v1/policies', { name: uniqueName() });
    await insertDevice(server.ctx, { device_id: 'counted-1', policy_id: created.body.id });

    const one = await admin.get(`/v1/policies/${created.body.id}`);
    const all = await admin.get('/v1/policies');
    expect(one.body.deviceCount).toBe(1);
    expect(all.body.find((policy: { id: string }) => policy.id === created.body.id).deviceCount).toBe(1);
  });

  it('missing policy is 404', async () => {
    const response = await admin.get('/v1/policies/no-such-policy');

    expect(response.status).toBe(404);
    expect(response.body.message).toContain('no-such-policy');
  });

  it('DELETE is 409 while a device or live token uses it', async () => {
    const created = await admin.post('/v1/policies', { name: uniqueName() });
    const deviceId = await insertDevice(server.ctx, { device_id: 'blocking-device', policy_id: created.body.id });
    const token = await admin.post('/v1/enrolment/tokens', { policyId: created.body.id });

    const withDevice = await admin.delete(`/v1/policies/${created.body.id}`);
    expect(withDevice.status).toBe(409);
    expect(withDevice.body.message).toContain('1 device(s)');

    await admin.patch(`/v1/devices/${deviceId}`, { policyId: null });
    const withToken = await admin.delete(`/v1/policies/${created.body.id}`);
    expect(withToken.status).toBe(409);
    expect(withToken.body.message).toContain('1 live enrolment token(s)');

    await admin.post(`/v1/enrolment/tokens/${token.body.id}/revoke`);
    const deleted = await admin.delete(`/v1/policies/${created.body.id}`);
    expect(deleted.status).toBe(204);
    expect((await admin.get(`/v1/policies/${created.body.id}`)).status).toBe(404);
    expect(await server.ctx.store.enrolment.findById(token.body.id)).toBeUndefined();
  });
});
