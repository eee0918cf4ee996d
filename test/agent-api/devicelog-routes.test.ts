import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { enrol, get, postJson, seedPolicy, seedToken } from './helpers.js';

let server: TestServer;
let policyId: string;

beforeAll(async () => {
  server = await startTestServer();
  policyId = await seedPolicy(server.ctx);
  const otherPolicy = await seedPolicy(server.ctx);
  await server.ctx.store.deviceLogs.insertRule({ policyId, packageName: 'com.dhis2', logLevel: 3, filter: 'sync' });
  await server.ctx.store.deviceLogs.insertRule({ policyId: null, packageName: 'com.hmdm.launcher', logLevel: 2, filter: '' });
  await server.ctx.store.deviceLogs.insertRule({ policyId: otherPolicy, packageName: 'com.other', logLevel: 5, filter: '' });
  await enrol(server, 'phone-logs', await seedToken(server.ctx, { policyId }));
});

afterAll(async () => {
  await server.dispose();
});

describe('device log routes', () => {
  it('lists the rules of the device policy and of all policies', async () => {
    const response = await get(server, '/rest/plugins/devicelog/log/rules/phone-logs');

    expect(response.json.status).toBe('OK');
    expect(response.json.data).toEqual([
      { packageId: 'com.dhis2', logLevel: 3, filter: 'sync' },
      { packageId: 'com.hmdm.launcher', logLevel: 2, filter: '' },
    ]);
  });

  it('stores uploaded lines', async () => {
    const lines = [
      { timestamp: 1_750_000_000_000, logLevel: 3, packageId: 'com.dhis2', message: 'sync finished' },
      { timestamp: 1_750_000_000_500, logLevel: 1, packageId: 'com.dhis2', message: 'x'.repeat(10_000) },
    ];

    const response = await postJson(server, '/rest/plugins/devicelog/log/list/phone-logs', lines);

    expect(response.status).toBe(200);
    const device = await server.ctx.store.devices.findByDeviceId('phone-logs');
    const stored = await server.ctx.store.deviceLogs.listForDevice(device!.id, 10);
    expect(stored).toHaveLength(2);
    expect(stored[0]?.message.length).toBeLessThan(5000);
    expect(stored[1]?.message).toBe('sync finished');
  });

  it('answers an unknown device', async () => {
    const rules = await get(server, '/rest/plugins/devicelog/log/rules/phone-unknown');
    const upload = await postJson(server, '/rest/plugins/devicelog/log/list/phone-unknown', []);

    expect(rules.json.message).toBe('error.notfound.device');
    expect(upload.status).toBe(404);
  });
});
