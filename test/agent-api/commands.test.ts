import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { deviceInfo, enrol, postJson, seedPolicy, seedToken, sync } from './helpers.js';

let server: TestServer;
let tokenId: string;

beforeAll(async () => {
  server = await startTestServer();
  tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
});

afterAll(async () => {
  await server.dispose();
});

/** Enrols a device and returns its primary key and generation. */
async function enrolled(deviceId: string): Promise<{ pk: string; generation: number }> {
  await enrol(server, deviceId, tokenId);
  const device = await server.ctx.store.devices.findByDeviceId(deviceId);
  return { pk: device!.id, generation: device!.enrolment_generation };
}

async function queue(deviceId: string, type: string, payload?: unknown): Promise<string> {
  const device = await server.ctx.store.devices.findByDeviceId(deviceId);
  return server.ctx.store.commands.insert({
    devicePk: device!.id,
    generation: device!.enrolment_generation,
    type,
    payload,
    createdBy: 'test',
  });
}

async function stateOf(deviceId: string, commandId: string): Promise<string | undefined> {
  const device = await server.ctx.store.devices.findByDeviceId(deviceId);
  const commands = await server.ctx.store.commands.listForDevice(device!.id, 50);
  return commands.find((command) => command.id === commandId)?.state;
}

describe('one-shot commands', () => {
  it('clears reboot once confirmed', async () => {
    await enrolled('phone-reboot');
    const id = await queue('phone-reboot', 'reboot');

    const first = await sync(server, 'phone-reboot');
    expect(first.json.data.reboot).toBe(true);
    expect(await stateOf('phone-reboot', id)).toBe('sent');

    const confirmation = await postJson(server, '/rest/plugins/devicereset/public/reboot/phone-reboot', deviceInfo('phone-reboot'));
    expect(confirmation.status).toBe(200);
    expect(await stateOf('phone-reboot', id)).toBe('confirmed');

    const next = await sync(server, 'phone-reboot');
    expect(next.json.data.reboot).toBeUndefined();
  });

  it('repeats reboot until it is confirmed', async () => {
    await enrolled('phone-reboot-lost');
    await queue('phone-reboot-lost', 'reboot');

    await sync(server, 'phone-reboot-lost');
    const again = await sync(server, 'phone-reboot-lost');

    expect(again.json.data.reboot).toBe(true);
  });

  it('confirms factory reset and stores the report', async () => {
    await enrolled('phone-wipe');
    const id = await queue('phone-wipe', 'factoryReset');
    expect((await sync(server, 'phone-wipe')).json.data.factoryReset).toBe(true);

    const confirmation = await postJson(
      server,
      '/rest/plugins/devicereset/public/phone-wipe',
      deviceInfo('phone-wipe', { factoryReset: true, batteryLevel: 42 }),
    );

    expect(confirmation.status).toBe(200);
    expect(await stateOf('phone-wipe', id)).toBe('confirmed');
    const device = await server.ctx.store.devices.findByDeviceId('phone-wipe');
    expect(device?.battery_level).toBe(42);
    expect((await sync(server, 'phone-wipe')).json.data.factoryReset).toBeUndefined();
  });

  it('answers a repeated confirmation with success', async () => {
    await enrolled('phone-wipe-retry');
    await queue('phone-wipe-retry', 'factoryReset');
    await sync(server, 'phone-wipe-retry');
    await postJson(server, '/rest/plugins/devicereset/public/phone-wipe-retry', deviceInfo('phone-wipe-retry'));

    const retry = await postJson(server, '/rest/plugins/devicereset/public/phone-wipe-retry', deviceInfo('phone-wipe-retry'));

    expect(retry.status).toBe(200);
  });

  it('vetoes a wipe that was cancelled after delivery', async () => {
    const { pk, generation } = await enrolled('phone-wipe-cancelled');
    await queue('phone-wipe-cancelled', 'factoryReset');
    await sync(server, 'phone-wipe-cancelled');
    await server.ctx.store.commands.transitionOpen(pk, generation, ['factoryReset'], 'cancelled');

    const confirmation = await postJson(
      server,
      '/rest/plugins/devicereset/public/phone-wipe-cancelled',
      deviceInfo('phone-wipe-cancelled'),
    );

    expect(confirmation.status).toBe(409);
    expect(confirmation.json.message).toContain('must not act');
  });

  it('keeps a lock until unlocked', async () => {
    await enrolled('phone-lock');
    const lock = await queue('phone-lock', 'lock', { message: 'Return this phone to the district office' });

    const locked = await sync(server, 'phone-lock');
    expect(locked.json.data.lock).toBe(true);
    expect(locked.json.data.lockMessage).toBe('Return this phone to the district office');
    expect((await sync(server, 'phone-lock')).json.data.lock).toBe(true);

    const unlock = await queue('phone-lock', 'unlock');
    const unlocked = await sync(server, 'phone-lock');

    expect(unlocked.json.data.lock).toBe(false);
    expect(await stateOf('phone-lock', unlock)).toBe('confirmed');
    expect(await stateOf('phone-lock', lock)).toBe('confirmed');
  });

  it('sends the new password and clears it once confirmed', async () => {
    await enrolled('phone-password');
    const id = await queue('phone-password', 'passwordReset', { password: '4821' });

    expect((await sync(server, 'phone-password')).json.data.passwordReset).toBe('4821');
    await postJson(server, '/rest/plugins/devicereset/public/password/phone-password', deviceInfo('phone-password'));

    expect(await stateOf('phone-password', id)).toBe('confirmed');
    expect((await sync(server, 'phone-password')).json.data.passwordReset).toBeUndefined();
  });

  it('never sends commands of an older generation', async () => {
    const { pk } = await enrolled('phone-generation');
    await server.ctx.store.commands.insert({ devicePk: pk, generation: 99, type: 'reboot', createdBy: 'test' });

    const response = await sync(server, 'phone-generation');

    expect(response.json.data.reboot).toBeUndefined();
  });

  it('answers 404 to a confirmation from an unknown device', async () => {
    const response = await postJson(server, '/rest/plugins/devicereset/public/reboot/phone-unknown', deviceInfo('phone-unknown'));

    expect(response.status).toBe(404);
  });
});
