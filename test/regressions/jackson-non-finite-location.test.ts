import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { agentUrl, deviceInfo, enrol, seedPolicy, seedToken } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

// Jackson, the agent's JSON library, writes a NaN or infinite double as the
// quoted string "NaN", "Infinity" or "-Infinity" by default. Such a location
// once made the whole report fail validation with 400, and because the agent
// resends its last fix in every report, the phone's battery, apps and
// inventory stopped updating until the fix changed.

let server: TestServer;
let admin: ApiClient;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  const tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
  await enrol(server, 'jackson-nan-01', tokenId);
});

afterAll(async () => {
  await server?.dispose();
});

/** Posts a report whose location is spliced in as raw JSON text. */
async function reportWithRawLocation(deviceId: string, locationJson: string, batteryLevel: number): Promise<number> {
  const body = JSON.stringify(deviceInfo(deviceId, { batteryLevel })).replace(/}$/, `,"location":${locationJson}}`);
  const response = await fetch(agentUrl(server, '/rest/public/sync/info'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return response.status;
}

describe('non-finite coordinates from Jackson', () => {
  it('report with NaN text is stored', async () => {
    const status = await reportWithRawLocation('jackson-nan-01', `{"ts":${Date.now() - 60_000},"lat":"NaN","lon":"NaN"}`, 33);

    expect(status).toBe(200);
    const device = await server.ctx.store.devices.findByDeviceId('jackson-nan-01');
    expect(device?.battery_level).toBe(33);
    expect(device?.last_lat).toBeNull();
  });

  it('report with infinities is stored', async () => {
    const status = await reportWithRawLocation('jackson-nan-01', `{"ts":${Date.now() - 30_000},"lat":"Infinity","lon":"-Infinity"}`, 34);

    expect(status).toBe(200);
    const device = await server.ctx.store.devices.findByDeviceId('jackson-nan-01');
    expect(device?.battery_level).toBe(34);
  });

  it('fixes are counted as invalid coordinates', async () => {
    const device = await server.ctx.store.devices.findByDeviceId('jackson-nan-01');
    const response = await admin.get(`/v1/devices/${device!.id}/locations`);

    expect(response.status).toBe(200);
    expect(response.body.points).toEqual([]);
    expect(response.body.rejectedTotal).toBe(2);
    const rejection = response.body.rejections.find((item: { reason: string }) => item.reason === 'invalid_coordinates');
    expect(rejection.count).toBe(2);
    // JSON has no NaN or Infinity, so the stored coordinates are null.
    expect(rejection.lastFix.lat).toBeNull();
    expect(rejection.lastFix.lon).toBeNull();
  });

  it('other text is still a 400', async () => {
    const status = await reportWithRawLocation('jackson-nan-01', `{"ts":${Date.now()},"lat":"12.5","lon":3}`, 35);

    expect(status).toBe(400);
  });
});
