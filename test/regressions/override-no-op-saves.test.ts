import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defaultPolicySettings } from '../../src/domain/policy-settings.js';
import { deviceInfo, enrol, postJson, seedToken, sync } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

// Every override save made a new revision, and a new revision turns the
// device pending until its next sync. Clearing a device without overrides,
// or saving the same overrides again, marked applied phones pending for a
// configuration that had not changed.

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

async function appliedPhone(policyId: string) {
  const deviceId = `no-op-phone-${++count}`;
  await enrol(server, deviceId, await seedToken(server.ctx, { policyId }));
  await postJson(server, '/rest/public/sync/info', deviceInfo(deviceId));
  const pk = (await server.ctx.store.devices.findByDeviceId(deviceId))!.id;
  return { deviceId, pk };
}

async function stateOf(pk: string): Promise<string> {
  return (await admin.get(`/v1/devices/${pk}/compliance`)).body.policy.state;
}

describe('override saves that change nothing', () => {
  it('keeps an applied phone applied when clearing none', async () => {
    const policy = await admin.post('/v1/policies', { name: 'No-op clear' });
    const phone = await appliedPhone(policy.body.id);
    expect(await stateOf(phone.pk)).toBe('applied');

    const cleared = await admin.delete(`/v1/devices/${phone.pk}/overrides`);

    expect(cleared.status).toBe(200);
    expect(cleared.body.revision).toBe(0);
    expect(await stateOf(phone.pk)).toBe('applied');
  });

  it('keeps the revision when saving the same overrides', async () => {
    const policy = await admin.post('/v1/policies', { name: 'No-op save' });
    const phone = await appliedPhone(policy.body.id);
    const first = await admin.put(`/v1/devices/${phone.pk}/overrides`, { settings: { gps: false, wifi: true } });
    expect(first.body.revision).toBe(1);
    await sync(server, phone.deviceId);
    await postJson(server, '/rest/public/sync/info', deviceInfo(phone.deviceId));
    expect(await stateOf(phone.pk)).toBe('applied');

    // The same settings in another key order.
    const again = await admin.put(`/v1/devices/${phone.pk}/overrides`, { settings: { wifi: true, gps: false } });

    expect(again.status).toBe(200);
    expect(again.body.revision).toBe(1);
    expect(await stateOf(phone.pk)).toBe('applied');
  });

  it('clears overrides under a policy that breaks a newer rule', async () => {
    // Saved directly, as a policy stored before the time-zone case rule existed.
    const settings = { ...defaultPolicySettings(), timeZone: 'africa/kampala' };
    const policyId = 'legacy-time-zone-policy';
    await server.ctx.store.policies.save(
      { id: policyId, name: 'Legacy zone', description: '', settingsJson: JSON.stringify(settings) },
      [],
      null,
    );
    const phone = await appliedPhone(policyId);
    await server.ctx.store.deviceOverrides.save(phone.pk, JSON.stringify({ gps: true }), null, Date.now());

    const cleared = await admin.delete(`/v1/devices/${phone.pk}/overrides`);

    expect(cleared.status).toBe(200);
    expect(cleared.body.overrides).toEqual({});
  });
});
