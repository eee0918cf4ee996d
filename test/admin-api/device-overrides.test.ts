import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { deviceInfo, enrol, postJson, seedToken, sync } from '../agent-api/helpers.js';
import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';
import { recordPushes } from './support/fixtures.js';

describe('device overrides', () => {
  let server: TestServer;
  let admin: ApiClient;
  let pushes: ReturnType<typeof recordPushes>;
  let count = 0;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    pushes = recordPushes(server.ctx);
  });
  beforeEach(() => {
    pushes.length = 0;
  });
  afterAll(async () => {
    await server?.dispose();
  });

  async function enrolledPhone(settings: Record<string, unknown> = {}) {
    const policy = await admin.post('/v1/policies', { name: `Overrides ${++count}`, settings });
    const deviceId = `override-${count}`;
    await enrol(server, deviceId, await seedToken(server.ctx, { policyId: policy.body.id }));
    await postJson(server, '/rest/public/sync/info', deviceInfo(deviceId));
    const device = await server.ctx.store.devices.findByDeviceId(deviceId);
    return { deviceId, pk: device!.id, policyId: policy.body.id as string };
  }

  it('starts empty with the policy as effective settings', async () => {
    const phone = await enrolledPhone({ gps: true });
    const response = await admin.get(`/v1/devices/${phone.pk}/overrides`);

    expect(response.status).toBe(200);
    expect(response.body.overrides).toEqual({});
    expect(response.body.revision).toBe(0);
    expect(response.body.effective.gps).toBe(true);
    expect(response.body.effective).not.toHaveProperty('adminPasswordMd5');
  });

  it('PUT merges, wakes and audits', async () => {
    const phone = await enrolledPhone({ gps: true, restrictions: ['no_config_tethering'] });
    const response = await admin.put(`/v1/devices/${phone.pk}/overrides`, {
      settings: { gps: false, restrictions: ['no_config_tethering', 'no_safe_boot'] },
    });

    expect(response.status).toBe(200);
    expect(response.body.revision).toBe(1);
    expect(response.body.effective.gps).toBe(false);
    expect(pushes.flatMap((push) => push.deviceIds)).toEqual([phone.deviceId]);

    const config = (await sync(server, phone.deviceId)).json.data;
    expect(config.gps).toBe(false);
    expect(config.restrictions).toBe('no_config_tethering,no_safe_boot');

    const events = await server.ctx.store.audit.list(50);
    const event = events.find((entry) => entry.action === 'device.overrides.update' && entry.target_id === phone.pk);
    expect(JSON.parse(event!.details_json!)).toMatchObject({ revision: 1, after: { gps: false } });
  });

  it('a change is pending until fetched and reported', async () => {
    const phone = await enrolledPhone();
    const compliance = async () => (await admin.get(`/v1/devices/${phone.pk}/compliance`)).body.policy;
    expect((await compliance()).state).toBe('applied');

    await admin.put(`/v1/devices/${phone.pk}/overrides`, { settings: { bluetooth: false } });
    expect((await compliance()).state).toBe('pending');
    await postJson(server, '/rest/public/sync/info', deviceInfo(phone.deviceId));
    expect((await compliance()).state).toBe('pending');

    await sync(server, phone.deviceId);
    await postJson(server, '/rest/public/sync/info', deviceInfo(phone.deviceId));
    const applied = await compliance();
    expect(applied.state).toBe('applied');
    expect(applied.appliedOverrideRevision).toBe(1);
  });

  it('DELETE clears and counts a revision', async () => {
    const phone = await enrolledPhone({ wifi: true });
    await admin.put(`/v1/devices/${phone.pk}/overrides`, { settings: { wifi: false } });
    const cleared = await admin.delete(`/v1/devices/${phone.pk}/overrides`);

    expect(cleared.status).toBe(200);
    expect(cleared.body.overrides).toEqual({});
    expect(cleared.body.revision).toBe(2);
    expect((await sync(server, phone.deviceId)).json.data.wifi).toBe(true);
  });

  it.each([
    [{ hotspot: false }, 'body.settings.hotspot'],
    [{ adminPasswordMd5: '0123456789ABCDEF0123456789ABCDEF' }, 'body.settings.adminPasswordMd5'],
    [{ gps: 'off' }, 'body.settings.gps'],
    [{ timeZone: 'Nowhere/Town' }, 'body.settings.timeZone'],
    [{ restrictions: ['no_printing'] }, 'body.settings.restrictions.0'],
    [{ appUpdateFrom: '05:00' }, 'body.settings.appUpdateFrom'],
    [{ systemUpdateType: 2 }, 'body.settings.systemUpdateFrom'],
    [{ brightness: -1 }, 'body.settings.brightness'],
  ])('%j is 400 naming %s', async (settings, field) => {
    // The policy has an app update window ending at 05:00, so an override
    // starting it at 05:00 gives an empty window once merged.
    const phone = await enrolledPhone({ appUpdateFrom: '22:00', appUpdateTo: '05:00' });
    const response = await admin.put(`/v1/devices/${phone.pk}/overrides`, { settings });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field === 'body.settings.appUpdateFrom' ? 'body.settings.appUpdateTo' : field);
    expect((await admin.get(`/v1/devices/${phone.pk}/overrides`)).body.revision).toBe(0);
  });

  it('missing settings is 400', async () => {
    const phone = await enrolledPhone();
    const response = await admin.put(`/v1/devices/${phone.pk}/overrides`, { gps: false });

    expect(response.status).toBe(400);
  });

  it('viewer cannot change overrides', async () => {
    const phone = await enrolledPhone();
    const viewer = await signInWithRole(server, admin, 'viewer');

    expect((await viewer.get(`/v1/devices/${phone.pk}/overrides`)).status).toBe(200);
    expect((await viewer.put(`/v1/devices/${phone.pk}/overrides`, { settings: { gps: true } })).status).toBe(403);
  });

  it('security overrides need an admin', async () => {
    const phone = await enrolledPhone({ restrictions: ['no_config_tethering'] });
    const operator = await signInWithRole(server, admin, 'operator');
    const path = `/v1/devices/${phone.pk}/overrides`;

    const weakened = await operator.put(path, { settings: { restrictions: [] } });
    expect(weakened.status).toBe(403);
    expect(weakened.body.message).toContain('restrictions');
    expect((await operator.put(path, { settings: { gps: true, screenTimeoutSeconds: 120 } })).status).toBe(200);

    expect((await admin.put(path, { settings: { gps: true, passwordMode: 'present' } })).status).toBe(200);
    // Keeping the admin's value while changing another setting is no security change.
    expect((await operator.put(path, { settings: { gps: false, passwordMode: 'present' } })).status).toBe(200);
    expect((await operator.put(path, { settings: { gps: false, passwordMode: null } })).status).toBe(403);
    // Dropping it returns the phone to its policy.
    expect((await operator.put(path, { settings: { gps: false } })).status).toBe(200);
    expect((await admin.get(path)).body.overrides).toEqual({ gps: false });
  });

  it('unknown device is 404', async () => {
    const response = await admin.put('/v1/devices/no-such-device/overrides', { settings: {} });

    expect(response.status).toBe(404);
  });
});
