import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { AuditRepository } from '../../src/store/repositories/audit.js';

import { deviceInfo, enrol, get, postJson, seedPolicy, seedToken, sync } from '../agent-api/helpers.js';
import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';

// Commands sent from the admin API and carried out through the agent
// protocol: wipe confirmation and its audit trail, push commands over the
// long poll, cancelling, lost mode, and the 4xx responses to bad input.

const OPERATOR_PASSWORD = 'operator-password-1234';

let server: TestServer;
let admin: ApiClient;
let operator: ApiClient;
let viewer: ApiClient;
let tokenId: string;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  operator = await signInWithRole(server, admin, 'operator');
  viewer = await signInWithRole(server, admin, 'viewer');
  const policyId = await seedPolicy(server.ctx, { settings: { pushMode: 'polling', locationUpdates: 'network' } });
  tokenId = await seedToken(server.ctx, { policyId });
});

afterAll(async () => {
  await server.dispose();
});

/** Enrols a phone through the agent protocol and returns its record id. */
async function enrolled(deviceId: string): Promise<string> {
  const response = await enrol(server, deviceId, tokenId);
  expect(response.json.status).toBe('OK');
  const device = await server.ctx.store.devices.findByDeviceId(deviceId);
  return device!.id;
}

async function auditActions(devicePk: string): Promise<string[]> {
  const events = await server.ctx.store.audit.list(500);
  return events
    .filter((event) => event.target_id === devicePk)
    .reverse()
    .map((event) => event.action);
}

async function commandState(commandId: string): Promise<string | undefined> {
  return (await server.ctx.store.commands.findById(commandId))?.state;
}

describe('wipe', () => {
  it('is refused without the re-entered password', async () => {
    const pk = await enrolled('wipe-no-password');

    const response = await operator.post(`/v1/devices/${pk}/commands`, { type: 'wipe', confirmation: { deviceId: 'wipe-no-password' } });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.confirmation.password');
    expect(await server.ctx.store.commands.listForDevice(pk, 10)).toEqual([]);
    expect(await auditActions(pk)).toEqual(expect.arrayContaining(['command.requested', 'command.refused']));
    expect((await sync(server, 'wipe-no-password')).json.data.factoryReset).toBeUndefined();
  });

  it('is refused with a wrong password', async () => {
    const pk = await enrolled('wipe-wrong-password');

    const response = await operator.post(`/v1/devices/${pk}/commands`, {
      type: 'wipe',
      confirmation: { password: 'not-my-password', deviceId: 'wipe-wrong-password' },
    });

    expect(response.status).toBe(403);
    expect(response.body.error).toBe('reauthentication_failed');
    expect(await server.ctx.store.commands.listForDevice(pk, 10)).toEqual([]);
    const refusal = (await server.ctx.store.audit.list(50)).find((event) => event.target_id === pk && event.action === 'command.refused');
    expect(JSON.parse(refusal!.details_json!)).toMatchObject({ type: 'wipe', reason: 'password_wrong' });
  });

  it('is refused when the typed device id differs', async () => {
    const pk = await enrolled('wipe-typo');

    const response = await operator.post(`/v1/devices/${pk}/commands`, {
      type: 'wipe',
      confirmation: { password: OPERATOR_PASSWORD, deviceId: 'wipe-typ0' },
    });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.confirmation.deviceId');
    expect(response.body.message).toContain('wipe-typo');
  });

  it('with the password is queued, delivered and confirmed, each step audited', async () => {
    const pk = await enrolled('wipe-confirmed');

    const queued = await operator.post(`/v1/devices/${pk}/commands`, {
      type: 'wipe',
      confirmation: { password: OPERATOR_PASSWORD, deviceId: 'wipe-confirmed' },
    });
    expect(queued.status).toBe(200);
    expect(queued.body.state).toBe('queued');

    expect((await sync(server, 'wipe-confirmed')).json.data.factoryReset).toBe(true);
    expect(await commandState(queued.body.id)).toBe('sent');
    const confirmation = await postJson(server, '/rest/plugins/devicereset/public/wipe-confirmed', deviceInfo('wipe-confirmed', { factoryReset: true }));
    expect(confirmation.status).toBe(200);
    expect(await commandState(queued.body.id)).toBe('confirmed');

    expect(await auditActions(pk)).toEqual(
      expect.arrayContaining(['command.requested', 'device.command.wipe', 'command.delivered', 'command.confirmed']),
    );
    expect(await auditActions(pk)).not.toContain('command.refused');
  });

  it('cancelled after delivery is vetoed at confirmation', async () => {
    const pk = await enrolled('wipe-cancelled');
    const queued = await operator.post(`/v1/devices/${pk}/commands`, {
      type: 'wipe',
      confirmation: { password: OPERATOR_PASSWORD, deviceId: 'wipe-cancelled' },
    });
    await sync(server, 'wipe-cancelled');

    const cancelled = await operator.post(`/v1/devices/${pk}/commands/${queued.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelled');

    const confirmation = await postJson(server, '/rest/plugins/devicereset/public/wipe-cancelled', deviceInfo('wipe-cancelled'));
    expect(confirmation.status).toBe(409);
    expect((await sync(server, 'wipe-cancelled')).json.data.factoryReset).toBeUndefined();
    expect(await auditActions(pk)).toEqual(expect.arrayContaining(['device.command.cancelled', 'command.vetoed']));
  });

  it('fails when the agent is not device admin', async () => {
    const pk = await enrolled('wipe-no-admin');
    const queued = await operator.post(`/v1/devices/${pk}/commands`, {
      type: 'wipe',
      confirmation: { password: OPERATOR_PASSWORD, deviceId: 'wipe-no-admin' },
    });
    await sync(server, 'wipe-no-admin');

    const confirmation = await postJson(server, '/rest/plugins/devicereset/public/wipe-no-admin', deviceInfo('wipe-no-admin', { factoryReset: false }));

    expect(confirmation.status).toBe(409);
    expect(await commandState(queued.body.id)).toBe('failed');
    expect(await auditActions(pk)).toContain('command.failed');
    expect((await sync(server, 'wipe-no-admin')).json.data.factoryReset).toBeUndefined();
  });

  it('is refused to a viewer', async () => {
    const pk = await enrolled('wipe-viewer');

    const response = await viewer.post(`/v1/devices/${pk}/commands`, { type: 'wipe', confirmation: { password: 'x', deviceId: 'wipe-viewer' } });

    expect(response.status).toBe(403);
  });
});

describe('password reset', () => {
  it('sends the password once and forgets it after confirmation', async () => {
    const pk = await enrolled('password-reset');
    const queued = await operator.post(`/v1/devices/${pk}/commands`, {
      type: 'passwordReset',
      newPassword: '482913',
      confirmation: { password: OPERATOR_PASSWORD },
    });
    expect(queued.status).toBe(200);
    expect(JSON.stringify(queued.body)).not.toContain('482913');

    expect((await sync(server, 'password-reset')).json.data.passwordReset).toBe('482913');
    await postJson(server, '/rest/plugins/devicereset/public/password/password-reset', deviceInfo('password-reset'));

    const stored = await server.ctx.store.commands.findById(queued.body.id);
    expect(stored?.state).toBe('confirmed');
    expect(stored?.payload_json).toBeNull();
    expect((await sync(server, 'password-reset')).json.data.passwordReset).toBeUndefined();
  });

  it('needs the re-entered password', async () => {
    const pk = await enrolled('password-reset-unconfirmed');

    const response = await operator.post(`/v1/devices/${pk}/commands`, { type: 'passwordReset', newPassword: '482913' });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.confirmation.password');
  });
});

describe('push commands', () => {
  it('travel on the long poll and become sent', async () => {
    const pk = await enrolled('push-phone');
    const uninstall = await operator.post(`/v1/devices/${pk}/commands`, { type: 'uninstallApp', packageName: 'org.example.game' });
    const message = await operator.post(`/v1/devices/${pk}/commands`, { type: 'message', message: 'Training on Monday at 9' });
    expect(uninstall.status).toBe(200);
    expect(await commandState(uninstall.body.id)).toBe('queued');

    const poll = await get(server, '/rest/notification/polling/push-phone');

    expect(poll.json.data).toEqual([
      { messageType: 'uninstallApp', payload: JSON.stringify({ pkg: 'org.example.game' }) },
      { messageType: 'textMessage', payload: JSON.stringify({ text: 'Training on Monday at 9' }) },
    ]);
    expect(await commandState(uninstall.body.id)).toBe('sent');
    expect(await commandState(message.body.id)).toBe('sent');
  });

  it('cancelled while queued never reaches the phone', async () => {
    const pk = await enrolled('push-cancelled');
    const clear = await operator.post(`/v1/devices/${pk}/commands`, { type: 'clearAppData', packageName: 'com.dhis2' });

    const cancelled = await operator.post(`/v1/devices/${pk}/commands/${clear.body.id}/cancel`);
    expect(cancelled.body.state).toBe('cancelled');
    const poll = await get(server, '/rest/notification/polling/push-cancelled');

    expect(poll.json.data).toEqual([]);
  });

  it('sent cannot be cancelled', async () => {
    const pk = await enrolled('push-sent');
    const grant = await operator.post(`/v1/devices/${pk}/commands`, { type: 'grantPermissions', packageNames: ['com.dhis2'] });
    await get(server, '/rest/notification/polling/push-sent');

    const cancelled = await operator.post(`/v1/devices/${pk}/commands/${grant.body.id}/cancel`);

    expect(cancelled.status).toBe(409);
    expect(cancelled.body.error).toBe('command_not_cancellable');
  });

  it('of an earlier enrolment is dropped from the poll', async () => {
    const pk = await enrolled('push-reenrolled');
    await operator.post(`/v1/devices/${pk}/commands`, { type: 'uninstallApp', packageName: 'com.dhis2' });

    // The phone is reset and enrols again before it polls.
    await enrol(server, 'push-reenrolled', tokenId);
    const poll = await get(server, '/rest/notification/polling/push-reenrolled');

    expect(poll.json.data).toEqual([]);
    const commands = await server.ctx.store.commands.listForDevice(pk, 10);
    expect(commands.map((command) => command.state)).toEqual(['expired']);
  });

  it('lost by the hub are sent again at the next sync', async () => {
    const pk = await enrolled('push-resent');
    const uninstall = await operator.post(`/v1/devices/${pk}/commands`, { type: 'uninstallApp', packageName: 'org.example.game' });
    // Emptying the hub's queue is what a server restart does to it.
    await server.ctx.push.waitForMessages('push-resent', 0, new AbortController().signal);
    expect(await commandState(uninstall.body.id)).toBe('queued');

    await sync(server, 'push-resent');
    const poll = await get(server, '/rest/notification/polling/push-resent');

    expect(poll.json.data).toContainEqual({ messageType: 'uninstallApp', payload: JSON.stringify({ pkg: 'org.example.game' }) });
    expect(await commandState(uninstall.body.id)).toBe('sent');
  });

  it('stay queued for the next poll when recording fails', async () => {
    const pk = await enrolled('push-failed-record');
    const uninstall = await operator.post(`/v1/devices/${pk}/commands`, { type: 'uninstallApp', packageName: 'org.example.game' });
    // The delivery audit fails once, as a database that drops mid-poll would.
    const record = vi.spyOn(AuditRepository.prototype, 'record').mockRejectedValueOnce(new Error('connection terminated'));

    const failed = await get(server, '/rest/notification/polling/push-failed-record');
    record.mockRestore();
    expect(failed.status).toBe(500);
    expect(await commandState(uninstall.body.id)).toBe('queued');

    const retried = await get(server, '/rest/notification/polling/push-failed-record');
    expect(retried.json.data).toContainEqual({ messageType: 'uninstallApp', payload: JSON.stringify({ pkg: 'org.example.game' }) });
    expect(await commandState(uninstall.body.id)).toBe('sent');
    expect((await auditActions(pk)).filter((action) => action === 'command.delivered')).toHaveLength(1);
  });

  it('sync is confirmed by the next configuration fetch', async () => {
    const pk = await enrolled('push-sync');
    const requested = await operator.post(`/v1/devices/${pk}/commands`, { type: 'sync' });
    const poll = await get(server, '/rest/notification/polling/push-sync');
    expect(poll.json.data).toEqual([{ messageType: 'configUpdated', payload: null }]);
    expect(await commandState(requested.body.id)).toBe('queued');

    await sync(server, 'push-sync');

    expect(await commandState(requested.body.id)).toBe('confirmed');
  });
});

describe('lost mode', () => {
  it('locks, asks for GPS and marks the device; leaving restores the policy', async () => {
    const pk = await enrolled('lost-phone');

    const entered = await operator.put(`/v1/devices/${pk}/lost-mode`, { message: 'Call the district office: 0700 000 000' });
    expect(entered.status).toBe(200);
    expect(entered.body).toMatchObject({ lost: true, message: 'Call the district office: 0700 000 000' });

    const lostConfig = (await sync(server, 'lost-phone')).json.data;
    expect(lostConfig.lock).toBe(true);
    expect(lostConfig.lockMessage).toBe('Call the district office: 0700 000 000');
    expect(lostConfig.requestUpdates).toBe('gps');
    expect((await server.ctx.store.devices.findByPk(pk))?.lost_mode_since).toEqual(expect.any(Number));

    const unlock = await operator.post(`/v1/devices/${pk}/commands`, { type: 'unlock' });
    expect(unlock.status).toBe(409);
    expect(unlock.body.error).toBe('device_lost');

    const left = await operator.delete(`/v1/devices/${pk}/lost-mode`);
    expect(left.status).toBe(200);
    const foundConfig = (await sync(server, 'lost-phone')).json.data;
    expect(foundConfig.lock).toBe(false);
    expect(foundConfig.requestUpdates).toBe('network');
    expect((await server.ctx.store.devices.findByPk(pk))?.lost_mode_since).toBeNull();
    expect(await auditActions(pk)).toEqual(expect.arrayContaining(['device.lost_mode.entered', 'device.lost_mode.left']));
  });

  it('cannot end on a device that is not lost', async () => {
    const pk = await enrolled('not-lost');

    const response = await operator.delete(`/v1/devices/${pk}/lost-mode`);

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('not_lost');
  });
});

describe('command list', () => {
  it('shows states and hides the screen password', async () => {
    const pk = await enrolled('listed');
    await operator.post(`/v1/devices/${pk}/commands`, { type: 'lock', message: 'Back soon' });
    await operator.post(`/v1/devices/${pk}/commands`, { type: 'passwordReset', newPassword: '7777', confirmation: { password: OPERATOR_PASSWORD } });

    const response = await viewer.get(`/v1/devices/${pk}/commands?limit=1`);
    const next = await viewer.get(`/v1/devices/${pk}/commands?limit=1&cursor=${response.body.nextCursor}`);

    expect(response.body.items.map((item: { type: string }) => item.type)).toEqual(['passwordReset']);
    expect(response.body.items[0].parameters).toEqual({});
    expect(next.body.items[0]).toMatchObject({ type: 'lock', state: 'queued', parameters: { message: 'Back soon' }, generation: 1 });
    expect(next.body.nextCursor).toBeNull();
  });
});

describe('bad input', () => {
  const cases: Array<{ name: string; body: Record<string, unknown>; field: string }> = [
    { name: 'unknown type', body: { type: 'explode' }, field: 'body.type' },
    { name: 'uninstall without package', body: { type: 'uninstallApp' }, field: 'body.packageName' },
    { name: 'uninstall bad package', body: { type: 'uninstallApp', packageName: 'not a package' }, field: 'body.packageName' },
    { name: 'grant bad package', body: { type: 'grantPermissions', packageNames: ['com.dhis2', '1bad'] }, field: 'body.packageNames.1' },
    { name: 'empty message', body: { type: 'message', message: '   ' }, field: 'body.message' },
    { name: 'long lock message', body: { type: 'lock', message: 'x'.repeat(501) }, field: 'body.message' },
    { name: 'message on reboot', body: { type: 'reboot', message: 'hello' }, field: 'body.message' },
    { name: 'package on lock', body: { type: 'lock', packageName: 'com.dhis2' }, field: 'body.packageName' },
    { name: 'reset without password', body: { type: 'passwordReset' }, field: 'body.newPassword' },
    { name: 'reset short password', body: { type: 'passwordReset', newPassword: '12' }, field: 'body.newPassword' },
    { name: 'unknown field', body: { type: 'reboot', force: true }, field: 'body.force' },
    { name: 'zero expiry', body: { type: 'reboot', expiresInHours: 0 }, field: 'body.expiresInHours' },
  ];

  it.each(cases)('$name gets a 400 naming $field', async ({ body, field }) => {
    const pk = await enrolled('bad-input');

    const response = await operator.post(`/v1/devices/${pk}/commands`, body);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
    expect(response.body.message.length).toBeGreaterThan(10);
  });

  it('unknown device gets a 404 naming the id', async () => {
    const response = await operator.post('/v1/devices/no-such-device/commands', { type: 'reboot' });

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('params.id');
  });

  it('unknown command gets a 404 on cancel', async () => {
    const pk = await enrolled('cancel-missing');

    const response = await operator.post(`/v1/devices/${pk}/commands/no-such-command/cancel`);

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('params.commandId');
  });

  it('lost mode on an unknown device gets a 404', async () => {
    const response = await operator.put('/v1/devices/no-such-device/lost-mode', { message: 'x' });

    expect(response.status).toBe(404);
  });
});
