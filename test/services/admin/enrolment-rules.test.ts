// Enrolment windows, the enrolment switch and pre-registered serials, over
// the admin API and the agent protocol of one real server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { signInAsAdmin, signInWithRole, startApiServer, type ApiClient } from '../../admin-api/support/client.js';
import { deviceInfo, enrol, postJson, seedPolicy, seedToken, sync } from '../../agent-api/helpers.js';
import type { TestServer } from '../../support/server.js';

let server: TestServer;
let admin: ApiClient;
let viewer: ApiClient;
let policyId: string;
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  viewer = await signInWithRole(server, admin, 'viewer');
  policyId = await seedPolicy(server.ctx);
});

afterAll(async () => {
  await server?.dispose();
});

beforeEach(async () => {
  const reset = await admin.put('/v1/enrolment/rules', { open: true, opensAt: null, closesAt: null, requirePreregistered: false });
  expect(reset.status).toBe(200);
});

async function auditOf(action: string) {
  const events = await server.ctx.store.audit.list(1000);
  return events.filter((event) => event.action === action).map((event) => JSON.parse(event.details_json ?? 'null'));
}

describe('enrolment rules API', () => {
  it('starts open with no window', async () => {
    const response = await viewer.get('/v1/enrolment/rules');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ open: true, opensAt: null, closesAt: null, requirePreregistered: false });
  });

  it('keeps fields left out of an update', async () => {
    await admin.put('/v1/enrolment/rules', { requirePreregistered: true });
    const response = await admin.put('/v1/enrolment/rules', { open: false });
    expect(response.body).toEqual({ open: false, opensAt: null, closesAt: null, requirePreregistered: true });
  });

  it('rejects a window that closes before it opens', async () => {
    const response = await admin.put('/v1/enrolment/rules', { opensAt: 2_000_000_000_000, closesAt: 1_000_000_000_000 });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.closesAt');
    expect(response.body.message).toMatch(/must close after it opens/);
  });

  it('rejects bad field types', async () => {
    const badInputs = [{ open: 'yes' }, { opensAt: -5 }, { closesAt: 1.5 }, { unknown: true }];
    for (const body of badInputs) {
      const response = await admin.put('/v1/enrolment/rules', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error, JSON.stringify(body)).toBe('invalid_request');
    }
  });

  it('lets only an admin change the rules', async () => {
    const response = await viewer.put('/v1/enrolment/rules', { open: false });
    expect(response.status).toBe(403);
  });
});

describe('enrolment window', () => {
  it('rejects a new phone while enrolment is off', async () => {
    const tokenId = await seedToken(server.ctx, { policyId, usesLeft: 2 });
    await admin.put('/v1/enrolment/rules', { open: false });

    const response = await enrol(server, 'phone-closed', tokenId);

    expect(response.json.status).toBe('ERROR');
    expect(response.json.message).toBe('error.notfound.device');
    expect(response.json.detail).toMatch(/switched off/);
    expect(await server.ctx.store.devices.findByDeviceId('phone-closed')).toBeUndefined();
    // The rejected attempt did not use up the code.
    expect((await server.ctx.store.enrolment.findById(tokenId))?.uses_left).toBe(2);
    const rejected = await auditOf('device.enrol_rejected');
    expect(rejected.some((details) => details.deviceId === 'phone-closed' && /switched off/.test(details.reason))).toBe(true);
  });

  it('rejects before the window opens and after it closes', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    const now = Date.now();

    await admin.put('/v1/enrolment/rules', { opensAt: now + HOUR_MS, closesAt: now + 2 * HOUR_MS });
    const early = await enrol(server, 'phone-early', tokenId);
    expect(early.json.message).toBe('error.notfound.device');
    expect(early.json.detail).toMatch(/opens at/);

    await admin.put('/v1/enrolment/rules', { opensAt: now - 2 * HOUR_MS, closesAt: now - HOUR_MS });
    const late = await enrol(server, 'phone-late', tokenId);
    expect(late.json.message).toBe('error.notfound.device');
    expect(late.json.detail).toMatch(/closed at/);
  });

  it('enrols inside the window', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    await admin.put('/v1/enrolment/rules', { opensAt: Date.now() - HOUR_MS, closesAt: Date.now() + HOUR_MS });

    const response = await enrol(server, 'phone-in-window', tokenId);

    expect(response.json.status).toBe('OK');
    expect(await server.ctx.store.devices.findByDeviceId('phone-in-window')).toBeDefined();
  });

  it('keeps serving a known phone while enrolment is off', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    expect((await enrol(server, 'phone-known', tokenId)).json.status).toBe('OK');
    const before = await server.ctx.store.devices.findByDeviceId('phone-known');
    await admin.put('/v1/enrolment/rules', { open: false });

    // The agent posts the enrol request again after its data is cleared.
    const again = await enrol(server, 'phone-known', tokenId);

    expect(again.json.status).toBe('OK');
    const after = await server.ctx.store.devices.findByDeviceId('phone-known');
    expect(after?.enrolment_generation).toBe(before?.enrolment_generation);
    expect((await sync(server, 'phone-known')).json.status).toBe('OK');
  });
});

describe('pre-registered serials and IMEIs', () => {
  it('imports a CSV file with per-row errors', async () => {
    const csv = ['serial,label', 'R58M12ABCDE,Box 1', '', 'unknown,placeholder', '356938035643809,Box 2', 'R58M12ABCDE,again', 'abc'].join('\n');

    const response = await admin.request('POST', '/v1/enrolment/preregistered/csv', { raw: Buffer.from(csv), contentType: 'text/csv' });

    expect(response.status).toBe(200);
    expect(response.body.added).toBe(2);
    expect(response.body.alreadyListed).toBe(0);
    expect(response.body.errors.map((error: { row: number }) => error.row)).toEqual([4, 6, 7]);
    expect(response.body.errors[0].message).toMatch(/placeholder/);
    expect(response.body.errors[1].message).toMatch(/Duplicate/);
    expect(response.body.errors[2].message).toMatch(/too short/);

    const list = await viewer.get('/v1/enrolment/preregistered');
    expect(list.body.items.map((item: { hardwareId: string }) => item.hardwareId)).toContain('R58M12ABCDE');
    expect(list.body.items.find((item: { hardwareId: string }) => item.hardwareId === '356938035643809').label).toBe('Box 2');
  });

  it('counts values already listed', async () => {
    const response = await admin.post('/v1/enrolment/preregistered', { devices: [{ hardwareId: 'R58M12ABCDE' }, { hardwareId: 'R58M99ZZZZZ' }] });
    expect(response.body).toEqual({ added: 1, alreadyListed: 1, errors: [] });
  });

  it('rejects a CSV file that cannot be parsed', async () => {
    const response = await admin.request('POST', '/v1/enrolment/preregistered/csv', { raw: Buffer.from('"R58M1,unclosed quote\n'), contentType: 'text/csv' });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body');
    expect(response.body.message).toMatch(/cannot be read/);
  });

  it('rejects a JSON body on the CSV route', async () => {
    const response = await admin.post('/v1/enrolment/preregistered/csv', { csv: 'R58M12ABCDE' });
    expect(response.status).toBe(415);
    expect(response.body.message).toMatch(/text\/csv/);
  });

  it('pages through the list', async () => {
    await admin.post('/v1/enrolment/preregistered', { devices: [{ hardwareId: 'PAGE-00001' }, { hardwareId: 'PAGE-00002' }, { hardwareId: 'PAGE-00003' }] });
    const first = await viewer.get('/v1/enrolment/preregistered?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await viewer.get(`/v1/enrolment/preregistered?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items[0].hardwareId > first.body.items[1].hardwareId).toBe(true);
    expect(first.body.total).toBeGreaterThanOrEqual(6);
  });

  it('removes a value and 404s on an unknown one', async () => {
    expect((await admin.delete('/v1/enrolment/preregistered/PAGE-00003')).status).toBe(204);
    const missing = await admin.delete('/v1/enrolment/preregistered/PAGE-00003');
    expect(missing.status).toBe(404);
    expect(missing.body.field).toBe('params.hardwareId');
  });

  it('keeps a listed phone enrolled', async () => {
    await admin.put('/v1/enrolment/rules', { requirePreregistered: true });
    const tokenId = await seedToken(server.ctx, { policyId });
    expect((await enrol(server, 'phone-listed', tokenId)).json.status).toBe('OK');

    const report = await postJson(server, '/rest/public/sync/info', deviceInfo('phone-listed', { serial: 'R58M12ABCDE', imei: '' }));

    expect(report.json.status).toBe('OK');
    expect((await server.ctx.store.devices.findByDeviceId('phone-listed'))?.serial).toBe('R58M12ABCDE');
  });

  it('removes an unlisted phone at its first report', async () => {
    await admin.put('/v1/enrolment/rules', { requirePreregistered: true });
    const tokenId = await seedToken(server.ctx, { policyId });
    expect((await enrol(server, 'phone-unlisted', tokenId)).json.status).toBe('OK');

    const report = await postJson(server, '/rest/public/sync/info', deviceInfo('phone-unlisted', { serial: 'NOTLISTED123', imei: '490154203237518' }));

    expect(report.json.message).toBe('error.notfound.device');
    expect(await server.ctx.store.devices.findByDeviceId('phone-unlisted')).toBeUndefined();
    // The agent's next sync gets the rejection on which it prompts for another id.
    expect((await sync(server, 'phone-unlisted')).json.message).toBe('error.notfound.device');
    const rejected = await auditOf('device.enrol_rejected');
    expect(rejected.some((details) => details.deviceId === 'phone-unlisted' && details.reason === 'serial and IMEI not pre-registered')).toBe(true);
  });

  it('accepts a phone whose device id is a listed serial', async () => {
    await admin.put('/v1/enrolment/rules', { requirePreregistered: true });
    const tokenId = await seedToken(server.ctx, { policyId });
    expect((await enrol(server, 'R58M99ZZZZZ', tokenId)).json.status).toBe('OK');

    const report = await postJson(server, '/rest/public/sync/info', deviceInfo('R58M99ZZZZZ'));

    expect(report.json.status).toBe('OK');
    expect(await server.ctx.store.devices.findByDeviceId('R58M99ZZZZZ')).toBeDefined();
  });

  it('leaves phones alone while the rule is off', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    expect((await enrol(server, 'phone-rule-off', tokenId)).json.status).toBe('OK');
    const report = await postJson(server, '/rest/public/sync/info', deviceInfo('phone-rule-off', { serial: 'NOTLISTED456' }));
    expect(report.json.status).toBe('OK');
  });
});
