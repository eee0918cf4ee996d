import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enrol, postJson, seedPolicy, seedToken, sync, deviceInfo } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

// The enrol route needs no credential. Anyone on the network who knows a
// phone's device id, serial or IMEI can send the enrol request with no
// enrolment code. These tests check that such a request cannot undo an
// operator's command or take a phone's record away from it.

let server: TestServer;
let admin: ApiClient;
let tokenId: string;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  const policyId = await seedPolicy(server.ctx);
  tokenId = await seedToken(server.ctx, { policyId });
});

afterAll(async () => {
  await server?.dispose();
});

async function devicePk(deviceId: string): Promise<string> {
  const list = await admin.get(`/v1/devices?search=${encodeURIComponent(deviceId)}`);
  return list.body.items[0].id;
}

describe('enrol request without an enrolment code', () => {
  it('leaves a queued lock in force on the locked phone', async () => {
    expect((await enrol(server, 'stolen-phone-01', tokenId)).json.status).toBe('OK');
    const pk = await devicePk('stolen-phone-01');
    const lock = await admin.post(`/v1/devices/${pk}/commands`, { type: 'lock', message: 'Return to the district office' });
    expect(lock.status).toBe(200);
    expect((await sync(server, 'stolen-phone-01')).json.data.lock).toBe(true);

    // The lock overlay shows the device id, so whoever holds the phone can
    // send this request from any computer.
    await enrol(server, 'stolen-phone-01', null);

    const after = await sync(server, 'stolen-phone-01');
    expect(after.json.data.lock).toBe(true);
    const detail = await admin.get(`/v1/devices/${pk}`);
    expect(detail.body.commands.find((command: { type: string }) => command.type === 'lock').state).not.toBe('expired');
  });

  it('rejects re-binding by printed IMEI', async () => {
    expect((await enrol(server, 'field-phone-02', tokenId)).json.status).toBe('OK');
    await postJson(server, '/rest/public/sync/info', deviceInfo('field-phone-02', { imei: '356938035643809', serial: 'R58N91ABCDE' }));

    const hijack = await enrol(server, '356938035643809', null);

    expect(hijack.json.message).toBe('error.notfound.device');
    const phone = await sync(server, 'field-phone-02');
    expect(phone.json.status).toBe('OK');
  });
});
