import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { deviceInfo, enrol, postJson, seedPolicy, seedToken, sync } from './helpers.js';

let server: TestServer;
let policyId: string;

beforeAll(async () => {
  server = await startTestServer();
  policyId = await seedPolicy(server.ctx);
});

afterAll(async () => {
  await server.dispose();
});

async function countDevices(): Promise<number> {
  return server.ctx.store.devices.count();
}

async function auditActions(): Promise<string[]> {
  const events = await server.ctx.store.audit.list(1000);
  return events.map((event) => event.action);
}

describe('enrolment', () => {
  it('creates the device from a valid token', async () => {
    await server.ctx.store.orgUnits.insert({ id: 'district-1', name: 'District 1', parentId: null });
    const tokenId = await seedToken(server.ctx, { policyId, orgUnitId: 'district-1', usesLeft: 3 });

    const response = await enrol(server, 'phone-create', tokenId);

    expect(response.status).toBe(200);
    expect(response.json.status).toBe('OK');
    const device = await server.ctx.store.devices.findByDeviceId('phone-create');
    expect(device?.enrolment_generation).toBe(1);
    expect(device?.policy_id).toBe(policyId);
    expect(device?.org_unit_id).toBe('district-1');
    expect(device?.enrolment_token_id).toBe(tokenId);
    expect(device?.last_contact_at).not.toBeNull();
    expect(device?.last_config_at).not.toBeNull();
    const token = await server.ctx.store.enrolment.findById(tokenId);
    expect(token?.uses_left).toBe(2);
    expect(await auditActions()).toContain('device.enrolled');
  });

  it('re-enrols a known id with a token as the next generation', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrol(server, 'phone-wiped', tokenId);
    const first = await server.ctx.store.devices.findByDeviceId('phone-wiped');
    const reboot = await server.ctx.store.commands.insert({
      devicePk: first!.id,
      generation: 1,
      type: 'reboot',
      createdBy: 'test',
    });
    const before = await countDevices();

    // A factory-reset phone scans the enrolment QR again, so it sends the token.
    const response = await enrol(server, 'phone-wiped', tokenId);

    expect(response.json.status).toBe('OK');
    expect(response.json.data.reboot).toBeUndefined();
    const again = await server.ctx.store.devices.findByDeviceId('phone-wiped');
    expect(again?.id).toBe(first?.id);
    expect(again?.enrolment_generation).toBe(2);
    expect(again?.policy_id).toBe(policyId);
    expect(await countDevices()).toBe(before);
    const commands = await server.ctx.store.commands.listForDevice(first!.id, 10);
    expect(commands.find((command) => command.id === reboot)?.state).toBe('expired');
    expect(await auditActions()).toContain('device.re-enrolled');
  });

  it('keeps generation and commands when a known id enrols without a token', async () => {
    await enrol(server, 'phone-locked', await seedToken(server.ctx, { policyId }));
    const device = await server.ctx.store.devices.findByDeviceId('phone-locked');
    const lock = await server.ctx.store.commands.insert({
      devicePk: device!.id,
      generation: 1,
      type: 'lock',
      payload: { message: 'Return this phone to the district office' },
      createdBy: 'test',
    });

    // Anyone can send this request; it must not lift the lock of a stolen phone.
    const response = await enrol(server, 'phone-locked', null);

    expect(response.json.status).toBe('OK');
    expect(response.json.data.lock).toBe(true);
    const after = await server.ctx.store.devices.findByDeviceId('phone-locked');
    expect(after?.enrolment_generation).toBe(1);
    const commands = await server.ctx.store.commands.listForDevice(device!.id, 10);
    expect(commands.find((command) => command.id === lock)?.state).not.toBe('expired');
    expect(await auditActions()).toContain('device.enrol_without_code');
  });

  it('moves a re-enrolled device to the policy of a new token', async () => {
    const otherPolicy = await seedPolicy(server.ctx);
    await enrol(server, 'phone-moved', await seedToken(server.ctx, { policyId }));

    await enrol(server, 'phone-moved', await seedToken(server.ctx, { policyId: otherPolicy }));

    const device = await server.ctx.store.devices.findByDeviceId('phone-moved');
    expect(device?.policy_id).toBe(otherPolicy);
    expect(device?.enrolment_generation).toBe(2);
  });

  it('merges a new record into the record with the same serial', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrol(server, 'phone-old-id', tokenId);
    const oldReport = deviceInfo('phone-old-id', { serial: 'R58N12ABCDE', imei: '356938035643809' });
    await postJson(server, '/rest/public/sync/info', oldReport);
    const old = await server.ctx.store.devices.findByDeviceId('phone-old-id');
    await server.ctx.store.locations.append(old!.id, { takenAt: 1_700_000_000_000, lat: 1, lon: 2 }, Date.now());
    const before = await countDevices();

    // Factory reset, provisioned again, and the user typed a new id.
    await enrol(server, 'phone-new-id', tokenId);
    expect(await countDevices()).toBe(before + 1);
    const report = await postJson(server, '/rest/public/sync/info', deviceInfo('phone-new-id', { serial: 'R58N12ABCDE' }));

    expect(report.status).toBe(200);
    expect(await countDevices()).toBe(before);
    const merged = await server.ctx.store.devices.findByDeviceId('phone-new-id');
    expect(merged?.id).toBe(old?.id);
    expect(merged?.enrolment_generation).toBe(old!.enrolment_generation + 1);
    expect(await server.ctx.store.devices.findByDeviceId('phone-old-id')).toBeUndefined();
    const history = await server.ctx.store.locations.listForDevice(old!.id, 0, Number.MAX_SAFE_INTEGER, 10);
    expect(history).toHaveLength(1);
    expect(await auditActions()).toContain('device.rebound');

    const next = await sync(server, 'phone-new-id');
    expect(next.json.status).toBe('OK');
  });

  it('keeps records apart when the serial is a placeholder', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrol(server, 'phone-placeholder-a', tokenId);
    await postJson(server, '/rest/public/sync/info', deviceInfo('phone-placeholder-a', { serial: 'unknown' }));
    await enrol(server, 'phone-placeholder-b', tokenId);

    await postJson(server, '/rest/public/sync/info', deviceInfo('phone-placeholder-b', { serial: 'unknown' }));

    expect(await server.ctx.store.devices.findByDeviceId('phone-placeholder-a')).toBeDefined();
    expect(await server.ctx.store.devices.findByDeviceId('phone-placeholder-b')).toBeDefined();
  });

  it('re-binds a record when the enrol id is its IMEI', async () => {
    const tokenId = await seedToken(server.ctx, { policyId });
    await enrol(server, 'phone-typed-name', tokenId);
    await postJson(server, '/rest/public/sync/info', deviceInfo('phone-typed-name', { imei: '490154203237518' }));
    const before = await countDevices();
    const old = await server.ctx.store.devices.findByDeviceId('phone-typed-name');

    // Provisioned again with a QR that derives the id from the IMEI.
    const response = await enrol(server, '490154203237518', tokenId);

    expect(response.json.status).toBe('OK');
    expect(await countDevices()).toBe(before);
    const device = await server.ctx.store.devices.findByDeviceId('490154203237518');
    expect(device?.id).toBe(old?.id);
    expect(device?.enrolment_generation).toBe(2);
  });

  it('rejects re-binding by IMEI without a token', async () => {
    await enrol(server, 'phone-victim', await seedToken(server.ctx, { policyId }));
    await postJson(server, '/rest/public/sync/info', deviceInfo('phone-victim', { imei: '352099001761481' }));

    // IMEIs are printed on boxes; naming one must not take the phone's record.
    const response = await enrol(server, '352099001761481', null);

    expect(response.json.status).toBe('ERROR');
    expect(response.json.message).toBe('error.notfound.device');
    const victim = await server.ctx.store.devices.findByDeviceId('phone-victim');
    expect(victim?.enrolment_generation).toBe(1);
    expect(await server.ctx.store.devices.findByDeviceId('352099001761481')).toBeUndefined();
  });

  it('takes the last use of a token only once', async () => {
    const tokenId = await seedToken(server.ctx, { policyId, usesLeft: 1 });

    const [first, second] = await Promise.all([
      enrol(server, 'phone-race-a', tokenId),
      enrol(server, 'phone-race-b', tokenId),
    ]);

    const statuses = [first.json.status, second.json.status].sort();
    expect(statuses).toEqual(['ERROR', 'OK']);
    const token = await server.ctx.store.enrolment.findById(tokenId);
    expect(token?.uses_left).toBe(0);
  });

  it('accepts a preset token only for its device id', async () => {
    const tokenId = await seedToken(server.ctx, { policyId, presetDeviceId: 'phone-preset' });

    const wrong = await enrol(server, 'phone-not-preset', tokenId);
    const right = await enrol(server, 'phone-preset', tokenId);

    expect(wrong.json.message).toBe('error.notfound.device');
    expect(wrong.json.detail).toContain('phone-preset');
    expect(right.json.status).toBe('OK');
  });
});
