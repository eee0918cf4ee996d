import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { effectiveSettings } from '../../src/domain/policy-rules.js';
import { defaultPolicySettings } from '../../src/domain/policy-settings.js';
import { deviceInfo, enrol, postJson, seedToken, sync } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

// Device overrides pass the policy rules when saved, merged with the
// policy of that moment. A later policy change, or a move to another
// policy, must not send the phone settings that break those rules, such
// as an OS update window with one end.

const WINDOW = { systemUpdateType: 2, systemUpdateFrom: '02:00', systemUpdateTo: '04:00' };

let server: TestServer;
let admin: ApiClient;
let count = 0;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
});

afterAll(async () => {
  await server?.dispose();
});

/** Creates a reporting phone on a new windowed policy, with an override of the window's start. */
async function phoneWithStartOverride() {
  const name = `Window policy ${++count}`;
  const policy = await admin.post('/v1/policies', { name, settings: WINDOW });
  expect(policy.status).toBe(201);
  const deviceId = `override-rules-${count}`;
  await enrol(server, deviceId, await seedToken(server.ctx, { policyId: policy.body.id }));
  await postJson(server, '/rest/public/sync/info', deviceInfo(deviceId));
  const pk = (await server.ctx.store.devices.findByDeviceId(deviceId))!.id;

  const saved = await admin.put(`/v1/devices/${pk}/overrides`, { settings: { systemUpdateFrom: '01:00' } });
  expect(saved.status).toBe(200);
  return { name, policyId: policy.body.id as string, deviceId, pk };
}

describe('overrides merged with a changed policy', () => {
  it('rejects save breaking device override', async () => {
    const phone = await phoneWithStartOverride();

    const response = await admin.put(`/v1/policies/${phone.policyId}`, { name: phone.name, settings: {} });

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('device_overrides_conflict');
    expect(response.body.message).toContain(phone.deviceId);
    expect(response.body.message).toMatch(/systemUpdateTo/);
    const stored = await admin.get(`/v1/policies/${phone.policyId}`);
    expect(stored.body.version).toBe(1);
    expect(stored.body.settings.systemUpdateType).toBe(2);
  });

  it('accepts save after override cleared', async () => {
    const phone = await phoneWithStartOverride();
    expect((await admin.delete(`/v1/devices/${phone.pk}/overrides`)).status).toBe(200);

    const response = await admin.put(`/v1/policies/${phone.policyId}`, { name: phone.name, settings: {} });
    expect(response.status).toBe(200);
  });

  it('drops broken overrides after policy move', async () => {
    const phone = await phoneWithStartOverride();
    const plain = await admin.post('/v1/policies', { name: `No window ${count}`, settings: { gps: true } });
    const moved = await admin.patch(`/v1/devices/${phone.pk}`, { policyId: plain.body.id });
    expect(moved.status).toBe(200);

    const config = (await sync(server, phone.deviceId)).json.data;
    expect(config.gps).toBe(true);
    expect(config.systemUpdateType).toBe(0);
    expect(config).not.toHaveProperty('systemUpdateFrom');
    expect(config).not.toHaveProperty('systemUpdateTo');

    const view = await admin.get(`/v1/devices/${phone.pk}/overrides`);
    expect(view.body.overrides).toEqual({ systemUpdateFrom: '01:00' });
    expect(view.body.effective.systemUpdateFrom).toBeNull();
    expect(view.body.ignoredOverridesReason).toMatch(/systemUpdateTo/);

    // The phone runs the policy without its overrides, which is not what was requested.
    await postJson(server, '/rest/public/sync/info', deviceInfo(phone.deviceId));
    const compliance = await admin.get(`/v1/devices/${phone.pk}/compliance`);
    expect(compliance.body.policy.state).toBe('pending');
  });
});

describe('effectiveSettings', () => {
  it('keeps overrides when the policy alone breaks a rule', () => {
    // A policy stored before the time-zone case rule existed.
    const legacy = { ...defaultPolicySettings(), timeZone: 'africa/kampala' };
    const result = effectiveSettings(legacy, { gps: false });

    expect(result.ignoredOverridesReason).toBeNull();
    expect(result.settings.gps).toBe(false);
  });

  it('drops overrides that break a rule', () => {
    const result = effectiveSettings(defaultPolicySettings(), { appUpdateFrom: '22:00' });

    expect(result.ignoredOverridesReason).toMatch(/appUpdateTo/);
    expect(result.settings.appUpdateFrom).toBeNull();
  });
});
