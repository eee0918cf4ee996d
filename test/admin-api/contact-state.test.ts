import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';

const MINUTE = 60_000;

describe('contact state', () => {
  let server: TestServer;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    server = await startApiServer({ env: { OUTPOST_ONLINE_MINUTES: '25', OUTPOST_OFFLINE_MINUTES: '90' } });
    admin = await signInAsAdmin(server);
    viewer = await signInWithRole(server, admin, 'viewer');
    const now = server.ctx.now();

    await insertDevice(server.ctx, { device_id: 'cs-online', last_contact_at: now - 10 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'cs-late', last_contact_at: now - 40 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'cs-offline', last_contact_at: now - 200 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'cs-never' });
  });
  afterAll(async () => {
    await server.dispose();
  });

  async function statuses(client: ApiClient): Promise<Record<string, string>> {
    const response = await client.get('/v1/devices?search=cs-');
    return Object.fromEntries(response.body.items.map((item: { deviceId: string; status: string }) => [item.deviceId, item.status]));
  }

  it('defaults come from the configuration', async () => {
    const response = await viewer.get('/v1/settings/contact-state');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      lateAfterMinutes: 25,
      offlineAfterMinutes: 90,
      source: 'config',
      defaults: { lateAfterMinutes: 25, offlineAfterMinutes: 90 },
    });
    expect(await statuses(viewer)).toEqual({ 'cs-online': 'online', 'cs-late': 'late', 'cs-offline': 'offline', 'cs-never': 'never' });
  });

  it('list filters by contact state', async () => {
    const ids = async (state: string) =>
      (await admin.get(`/v1/devices?search=cs-&contactState=${state}`)).body.items.map((item: { deviceId: string }) => item.deviceId);

    expect(await ids('online')).toEqual(['cs-online']);
    expect(await ids('late')).toEqual(['cs-late']);
    expect(await ids('offline')).toEqual(['cs-offline']);
    expect(await ids('never')).toEqual(['cs-never']);
  });

  it('list filter pages keep the filter', async () => {
    const now = server.ctx.now();
    await insertDevice(server.ctx, { device_id: 'pg-offline-1', last_contact_at: now - 300 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'pg-offline-2', last_contact_at: now - 400 * MINUTE });
    await insertDevice(server.ctx, { device_id: 'pg-online', last_contact_at: now });

    const first = await admin.get('/v1/devices?search=pg-&contactState=offline&limit=1');
    expect(first.body.items.map((item: { deviceId: string }) => item.deviceId)).toEqual(['pg-offline-1']);
    expect(first.body.nextCursor).not.toBeNull();

    const second = await admin.get(`/v1/devices?cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { deviceId: string }) => item.deviceId)).toEqual(['pg-offline-2']);
    expect(second.body.nextCursor).toBeNull();

    const unfiltered = await admin.get('/v1/devices?search=pg-&limit=1');
    const mismatch = await admin.get(`/v1/devices?contactState=late&cursor=${unfiltered.body.nextCursor}`);
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.field).toBe('query.contactState');
  });

  it('list rejects an unknown contact state', async () => {
    const response = await admin.get('/v1/devices?contactState=asleep');

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.contactState');
  });

  it('admin changes thresholds for everyone', async () => {
    const response = await admin.put('/v1/settings/contact-state', { lateAfterMinutes: 5, offlineAfterMinutes: 30 });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ lateAfterMinutes: 5, offlineAfterMinutes: 30, source: 'settings' });
    expect(await statuses(viewer)).toEqual({ 'cs-online': 'late', 'cs-late': 'offline', 'cs-offline': 'offline', 'cs-never': 'never' });

    const audit = await admin.get('/v1/audit?limit=10');
    const event = audit.body.items.find((item: { action: string }) => item.action === 'settings.contact_state.update');
    expect(event?.details).toEqual({
      previous: { lateAfterMinutes: 25, offlineAfterMinutes: 90 },
      next: { lateAfterMinutes: 5, offlineAfterMinutes: 30 },
    });
  });

  it('fleet map uses the stored thresholds', async () => {
    const now = server.ctx.now();
    await insertDevice(server.ctx, { device_id: 'cs-mapped', last_contact_at: now - 10 * MINUTE, last_lat: 1, last_lon: 1, last_location_at: now });

    const response = await viewer.get('/v1/locations/fleet');
    const mapped = response.body.items.find((item: { deviceId: string }) => item.deviceId === 'cs-mapped');
    expect(mapped.status).toBe('late');
  });

  const badInputs: Array<[string, unknown, string]> = [
    ['late not below offline', { lateAfterMinutes: 60, offlineAfterMinutes: 60 }, 'body.offlineAfterMinutes'],
    ['late zero', { lateAfterMinutes: 0, offlineAfterMinutes: 60 }, 'body.lateAfterMinutes'],
    ['offline negative', { lateAfterMinutes: 10, offlineAfterMinutes: -1 }, 'body.offlineAfterMinutes'],
    ['late fractional', { lateAfterMinutes: 2.5, offlineAfterMinutes: 60 }, 'body.lateAfterMinutes'],
    ['late as text', { lateAfterMinutes: 'ten', offlineAfterMinutes: 60 }, 'body.lateAfterMinutes'],
    ['offline missing', { lateAfterMinutes: 10 }, 'body.offlineAfterMinutes'],
    ['offline over 30 days', { lateAfterMinutes: 10, offlineAfterMinutes: 50_000 }, 'body.offlineAfterMinutes'],
  ];

  for (const [name, body, field] of badInputs) {
    it(`thresholds reject ${name}`, async () => {
      const response = await admin.put('/v1/settings/contact-state', body);

      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
      expect(response.body.message.length).toBeGreaterThan(10);
    });
  }

  it('thresholds stay after bad input', async () => {
    const response = await viewer.get('/v1/settings/contact-state');

    expect(response.body).toMatchObject({ lateAfterMinutes: 5, offlineAfterMinutes: 30 });
  });

  it('viewer cannot change thresholds', async () => {
    const response = await viewer.put('/v1/settings/contact-state', { lateAfterMinutes: 10, offlineAfterMinutes: 20 });

    expect(response.status).toBe(403);
  });
});
