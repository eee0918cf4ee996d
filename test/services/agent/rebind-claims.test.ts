// A second phone reporting under the device id of an enrolled phone is
// rejected and flagged, while the real phone keeps working: after a factory
// reset, without permission to read its serial, and with its IMEIs swapped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInAsAdmin, signInWithRole, startApiServer, type ApiClient } from '../../admin-api/support/client.js';
import { deviceInfo, enrol, postJson, seedPolicy, seedToken, sync } from '../../agent-api/helpers.js';
import type { TestServer } from '../../support/server.js';

let server: TestServer;
let admin: ApiClient;
let viewer: ApiClient;
let operator: ApiClient;
let policyId: string;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  viewer = await signInWithRole(server, admin, 'viewer');
  operator = await signInWithRole(server, admin, 'operator');
  policyId = await seedPolicy(server.ctx);
});

afterAll(async () => {
  await server?.dispose();
});

/** Enrols a phone and sends its first report with the given hardware ids. */
async function enrolPhone(deviceId: string, hardware: Record<string, unknown>): Promise<void> {
  const tokenId = await seedToken(server.ctx, { policyId });
  expect((await enrol(server, deviceId, tokenId)).json.status).toBe('OK');
  const first = await report(deviceId, { ...hardware, batteryLevel: 50 });
  expect(first.json.status).toBe('OK');
}

function report(deviceId: string, extra: Record<string, unknown>) {
  return postJson(server, '/rest/public/sync/info', deviceInfo(deviceId, extra));
}

async function claimsFor(deviceId: string) {
  const response = await viewer.get('/v1/enrolment/id-claims');
  expect(response.status).toBe(200);
  return response.body.filter((claim: { deviceId: string }) => claim.deviceId === deviceId);
}

describe('second phone claiming an enrolled id', () => {
  it('rejects the report and keeps the record', async () => {
    await enrolPhone('phone-claimed', { serial: 'R58M11111AA', imei: '356938035643809' });
    const before = await server.ctx.store.devices.findByDeviceId('phone-claimed');

    const response = await report('phone-claimed', { serial: 'R58M22222BB', imei: '490154203237518', batteryLevel: 5, model: 'Other phone' });

    expect(response.json.status).toBe('ERROR');
    expect(response.json.message).toBe('error.notfound.device');
    const after = await server.ctx.store.devices.findByDeviceId('phone-claimed');
    expect(after?.serial).toBe('R58M11111AA');
    expect(after?.imei).toBe('356938035643809');
    expect(after?.battery_level).toBe(50);
    expect(after?.model).toBe(before?.model);
    expect(after?.last_info_at).toBe(before?.last_info_at);
    expect(after?.enrolment_generation).toBe(before?.enrolment_generation);
  });

  it('audits the claim with both identities', async () => {
    const events = await server.ctx.store.audit.list(1000);
    const claim = events.find((event) => event.action === 'device.id_claimed');
    expect(claim).toBeDefined();
    expect(JSON.parse(claim!.details_json!)).toMatchObject({
      deviceId: 'phone-claimed',
      enrolledSerial: 'R58M11111AA',
      claimantSerial: 'R58M22222BB',
      claimantImei: '490154203237518',
    });
  });

  it('flags the device in the API and counts repeats', async () => {
    await report('phone-claimed', { serial: 'R58M22222BB' });

    const [claim] = await claimsFor('phone-claimed');
    expect(claim).toMatchObject({ enrolledSerial: 'R58M11111AA', claimantSerial: 'R58M22222BB', claimantIp: '127.0.0.1', claimCount: 2 });
    expect(claim.lastClaimedAt).toBeGreaterThanOrEqual(claim.firstClaimedAt);
  });

  it('keeps serving the enrolled phone', async () => {
    expect((await sync(server, 'phone-claimed')).json.status).toBe('OK');
    const own = await report('phone-claimed', { serial: 'R58M11111AA', batteryLevel: 42 });
    expect(own.json.status).toBe('OK');
    expect((await server.ctx.store.devices.findByDeviceId('phone-claimed'))?.battery_level).toBe(42);
  });

  it('lets an operator dismiss the flag', async () => {
    const device = await server.ctx.store.devices.findByDeviceId('phone-claimed');

    expect((await viewer.delete(`/v1/enrolment/id-claims/${device!.id}`)).status).toBe(403);
    expect((await operator.delete(`/v1/enrolment/id-claims/${device!.id}`)).status).toBe(204);
    expect(await claimsFor('phone-claimed')).toEqual([]);
    const again = await operator.delete(`/v1/enrolment/id-claims/${device!.id}`);
    expect(again.status).toBe(404);
    expect(again.body.field).toBe('params.id');
  });
});

describe('legitimate reports of the enrolled phone', () => {
  it('accepts the same phone after a factory reset', async () => {
    await enrolPhone('phone-reset', { serial: 'R58M33333CC', imei: '352099001761481' });
    const before = await server.ctx.store.devices.findByDeviceId('phone-reset');

    // The wiped phone scans the QR again and reports its own serial.
    const tokenId = await seedToken(server.ctx, { policyId });
    expect((await enrol(server, 'phone-reset', tokenId)).json.status).toBe('OK');
    const response = await report('phone-reset', { serial: 'R58M33333CC', imei: '352099001761481' });

    expect(response.json.status).toBe('OK');
    expect((await server.ctx.store.devices.findByDeviceId('phone-reset'))?.enrolment_generation).toBe(before!.enrolment_generation + 1);
    expect(await claimsFor('phone-reset')).toEqual([]);
  });

  it('accepts a report without a readable serial or IMEI', async () => {
    await enrolPhone('phone-hidden', { serial: 'R58M44444DD' });

    // Android 10 and later hide both from an agent that is not device owner.
    const response = await report('phone-hidden', { serial: 'unknown', imei: '', batteryLevel: 33 });

    expect(response.json.status).toBe('OK');
    expect((await server.ctx.store.devices.findByDeviceId('phone-hidden'))?.battery_level).toBe(33);
    expect(await claimsFor('phone-hidden')).toEqual([]);
  });

  it('accepts a phone that reported its IMEI first and its serial later', async () => {
    await enrolPhone('phone-kinds', { imei: '359881030314356' });

    const response = await report('phone-kinds', { serial: 'R58M55555EE' });

    expect(response.json.status).toBe('OK');
    expect(await claimsFor('phone-kinds')).toEqual([]);
  });

  it('accepts swapped IMEIs of a dual-SIM phone', async () => {
    await enrolPhone('phone-dual', { imei: '356938035643809', imei2: '356938035643817' });

    const response = await report('phone-dual', { imei: '356938035643817', imei2: '356938035643809' });

    expect(response.json.status).toBe('OK');
    expect(await claimsFor('phone-dual')).toEqual([]);
  });

  it('accepts a replacement phone enrolled with a QR code', async () => {
    await enrolPhone('phone-replaced', { serial: 'R58M77777GG' });

    // The broken phone's id is given to a new phone with a new QR code.
    const tokenId = await seedToken(server.ctx, { policyId });
    expect((await enrol(server, 'phone-replaced', tokenId)).json.status).toBe('OK');
    const replacement = await report('phone-replaced', { serial: 'R58M88888HH' });

    expect(replacement.json.status).toBe('OK');
    expect((await server.ctx.store.devices.findByDeviceId('phone-replaced'))?.serial).toBe('R58M88888HH');
    expect(await claimsFor('phone-replaced')).toEqual([]);

    // The old phone, if it still runs, is now the other phone.
    const old = await report('phone-replaced', { serial: 'R58M77777GG' });
    expect(old.json.message).toBe('error.notfound.device');
    expect((await claimsFor('phone-replaced'))[0].claimantSerial).toBe('R58M77777GG');
  });

  it('accepts a different IMEI when the serial matches', async () => {
    await enrolPhone('phone-new-imei', { serial: 'R58M66666FF', imei: '353918058363012' });

    const response = await report('phone-new-imei', { serial: 'R58M66666FF', imei: '353918058363020' });

    expect(response.json.status).toBe('OK');
    expect(await claimsFor('phone-new-imei')).toEqual([]);
  });
});
