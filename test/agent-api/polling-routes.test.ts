import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { notifyConfigChanged } from '../../src/services/agent/notify.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { agentUrl, enrol, get, seedPolicy, seedToken } from './helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { OUTPOST_LONG_POLL_HOLD_SECONDS: '1' } });
  const tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
  await enrol(server, 'phone-poll', tokenId);
});

afterAll(async () => {
  await server.dispose();
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('long poll', () => {
  it('answers at once when notified', async () => {
    const started = Date.now();
    const pending = get(server, '/rest/notification/polling/phone-poll');
    await waitUntil(() => server.ctx.push.openPollCount() === 1);

    notifyConfigChanged(server.ctx, ['phone-poll']);
    const response = await pending;

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'OK', message: null, data: [{ messageType: 'configUpdated', payload: null }] });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('answers empty after the hold', async () => {
    const started = Date.now();

    const response = await get(server, '/rest/notification/polling/phone-poll');

    expect(response.json.data).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('encodes the payload as a JSON string', async () => {
    server.ctx.push.notify(['phone-poll'], { messageType: 'runApp', payload: { pkg: 'com.dhis2' } });

    const response = await get(server, '/rest/notification/polling/phone-poll');

    const [message] = response.json.data;
    expect(typeof message.payload).toBe('string');
    expect(JSON.parse(message.payload)).toEqual({ pkg: 'com.dhis2' });
  });

  it('answers 404 to an unknown device', async () => {
    const response = await get(server, '/rest/notification/polling/phone-unknown');

    expect(response.status).toBe(404);
  });

  it('releases the poll when the client leaves', async () => {
    const request = http.get(agentUrl(server, '/rest/notification/polling/phone-poll'));
    request.on('error', () => {});
    await waitUntil(() => server.ctx.push.openPollCount() === 1);

    request.destroy();

    await waitUntil(() => server.ctx.push.openPollCount() === 0, 800);
  });

  it('keeps messages for the next poll, coalesced', async () => {
    notifyConfigChanged(server.ctx, ['phone-poll']);
    notifyConfigChanged(server.ctx, ['phone-poll']);

    const response = await get(server, '/rest/notifications/device/phone-poll');
    const empty = await get(server, '/rest/notifications/device/phone-poll');

    expect(response.json.data).toEqual([{ messageType: 'configUpdated', payload: null }]);
    expect(empty.json.data).toEqual([]);
  });

  it('updates the last contact time', async () => {
    const device = await server.ctx.store.devices.findByDeviceId('phone-poll');
    await server.ctx.store.devices.update(device!.id, { last_contact_at: 1 });

    await get(server, '/rest/notifications/device/phone-poll');

    const after = await server.ctx.store.devices.findByDeviceId('phone-poll');
    expect(after!.last_contact_at).toBeGreaterThan(1);
  });
});
