import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runDhis2Sync } from '../../src/services/admin/dhis2-sync.js';
import type { TestServer } from '../support/server.js';
import { ApiClient, signInAsAdmin, startApiServer } from './support/client.js';
import { DHIS2_PASSWORD, prepareDhis2SignIn, type Dhis2SignInWorld } from './support/dhis2-sign-in.js';

describe('sign in with DHIS2', () => {
  let server: TestServer;
  let admin: ApiClient;
  let world: Dhis2SignInWorld;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    await world?.dhis2.close();
    await server.dispose();
  });

  const dhis2Login = async (username: string, password: string) => {
    const client = new ApiClient(server);
    const response = await client.request('POST', '/v1/auth/dhis2-login', { json: { username, password } });
    if (response.status === 200) {
      client.csrfToken = response.body.csrfToken;
      client.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? null;
    }
    return { client, response };
  };

  it('is off by default', async () => {
    expect((await new ApiClient(server).get('/v1/auth/methods')).body).toEqual({ local: true, dhis2: false });

    const { response } = await dhis2Login('someone', 'anything-at-all');
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('dhis2_login_off');
  });

  it('gives the mapped role and DHIS2 scope', async () => {
    world = await prepareDhis2SignIn(server.ctx, admin);
    expect((await new ApiClient(server).get('/v1/auth/methods')).body.dhis2).toBe(true);

    const { client, response } = await dhis2Login(world.worker.username, DHIS2_PASSWORD);

    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ username: world.worker.username, role: 'operator', orgUnits: [{ id: world.district.id }] });
    const devices = await client.get('/v1/devices');
    expect(devices.body.items.map((device: { deviceId: string }) => device.deviceId)).toEqual(['district-phone']);
    expect((await client.get('/v1/fleet/summary')).body.total).toBe(1);
    expect(world.dhis2.requests.some((request) => request.path.endsWith('/api/me') && request.auth === 'basic')).toBe(true);
  });

  it('never stores or records the DHIS2 password', async () => {
    const user = await server.ctx.store.users.findByUsername(world.worker.username);
    expect(user?.auth_source).toBe('dhis2');
    expect(user?.password_hash).not.toContain(DHIS2_PASSWORD);
    const events = await server.ctx.store.audit.list(1000);
    expect(JSON.stringify(events)).not.toContain(DHIS2_PASSWORD);
    const signIn = events.find((event) => event.action === 'auth.login' && event.actor === world.worker.username);
    expect(JSON.parse(signIn?.details_json ?? '{}')).toMatchObject({ method: 'dhis2', role: 'operator', orgUnitIds: [world.district.id] });
  });

  it('rejects bad or unmapped users alike', async () => {
    const wrong = await dhis2Login(world.worker.username, 'not-the-password');
    const outsider = await dhis2Login(world.outsider.username, DHIS2_PASSWORD);
    world.dhis2.disableUser(world.worker.id);
    const disabled = await dhis2Login(world.worker.username, DHIS2_PASSWORD);
    world.dhis2.disableUser(world.worker.id, false);

    for (const attempt of [wrong, outsider, disabled]) {
      expect(attempt.response.status).toBe(401);
      expect(attempt.response.body.message).toBe('Wrong DHIS2 username or password, or this DHIS2 user may not use Outpost.');
    }
    expect(JSON.stringify(await server.ctx.store.audit.list(1000))).not.toContain('not-the-password');
  });

  it('does not let a DHIS2 user use the local password sign-in', async () => {
    const client = new ApiClient(server);
    expect((await client.login(world.worker.username, DHIS2_PASSWORD)).status).toBe(401);
    expect((await client.login(world.worker.username, '!dhis2')).status).toBe(401);
  });

  it('refuses a DHIS2 user whose name belongs to a local user', async () => {
    await admin.post('/v1/users', { username: world.outsider.username, password: 'local-password-1', role: 'admin' });
    await admin.put('/v1/auth/dhis2-login/settings', {
      enabled: true,
      groupRoles: [{ groupId: world.groupId, role: 'operator' }],
    });
    world.dhis2.changeUser(world.outsider.id, { userGroupIds: [world.groupId] });

    expect((await dhis2Login(world.outsider.username, DHIS2_PASSWORD)).response.status).toBe(401);
  });

  it('follows DHIS2 changes at the next sign-in and honours an Outpost disable', async () => {
    world.dhis2.changeUser(world.worker.id, { orgUnitIds: [world.otherDistrict.id] });
    const moved = await dhis2Login(world.worker.username, DHIS2_PASSWORD);
    const devices = await moved.client.get('/v1/devices');
    expect(devices.body.items.map((device: { deviceId: string }) => device.deviceId)).toEqual(['other-district-phone']);

    const record = await server.ctx.store.users.findByUsername(world.worker.username);
    await admin.patch(`/v1/users/${record?.id}`, { disabled: true });
    expect((await dhis2Login(world.worker.username, DHIS2_PASSWORD)).response.status).toBe(401);
    await admin.patch(`/v1/users/${record?.id}`, { disabled: false });
  });

  it('reports an unreachable DHIS2 without blaming the password', async () => {
    world.dhis2.setMode('html');
    const { response } = await dhis2Login(world.worker.username, DHIS2_PASSWORD);
    world.dhis2.setMode('normal');

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('dhis2_unreachable');
  });

  it('lists synced groups for the mapping', async () => {
    expect((await admin.get('/v1/auth/dhis2-login/groups')).body).toEqual([]);

    expect((await runDhis2Sync(server.ctx, { trigger: 'manual', actor: 'test', full: true })).state).toBe('succeeded');

    const groups = (await admin.get('/v1/auth/dhis2-login/groups')).body as Array<{ id: string; name: string }>;
    expect(groups.map((group) => group.id).sort()).toEqual(world.dhis2.userGroups.map((group) => group.id).sort());
  });

  it('signs DHIS2 users out when turned off', async () => {
    const { client } = await dhis2Login(world.worker.username, DHIS2_PASSWORD);
    expect((await client.get('/v1/devices')).status).toBe(200);

    await admin.put('/v1/auth/dhis2-login/settings', { enabled: false, groupRoles: [{ groupId: world.groupId, role: 'operator' }] });

    expect((await client.get('/v1/devices')).status).toBe(401);
    expect((await admin.get('/v1/devices')).status).toBe(200);
    expect((await dhis2Login(world.worker.username, DHIS2_PASSWORD)).response.status).toBe(403);
    await admin.put('/v1/auth/dhis2-login/settings', { enabled: true, groupRoles: [{ groupId: world.groupId, role: 'operator' }] });
  });

  it('follows DHIS2 at each sync without a new sign-in', async () => {
    const sync = async () => expect((await runDhis2Sync(server.ctx, { trigger: 'manual', actor: 'test', full: true })).state).toBe('succeeded');
    world.dhis2.changeUser(world.worker.id, { orgUnitIds: [world.otherDistrict.id] });
    await sync();
    const { client } = await dhis2Login(world.worker.username, DHIS2_PASSWORD);
    const deviceIds = async () => (await client.get('/v1/devices')).body.items.map((device: { deviceId: string }) => device.deviceId);
    expect(await deviceIds()).toEqual(['other-district-phone']);

    world.dhis2.changeUser(world.worker.id, { orgUnitIds: [world.district.id] });
    await sync();
    expect(await deviceIds()).toEqual(['district-phone']);

    world.dhis2.disableUser(world.worker.id);
    await sync();
    expect((await client.get('/v1/devices')).status).toBe(401);
    const events = await server.ctx.store.audit.list(1000);
    const ended = events.find((event) => event.action === 'auth.dhis2_access_ended');
    expect(JSON.parse(ended?.details_json ?? '{}')).toMatchObject({ username: world.worker.username, reason: 'disabled in DHIS2' });
    expect(events.some((event) => event.action === 'auth.dhis2_scope_changed')).toBe(true);

    world.dhis2.disableUser(world.worker.id, false);
    await sync();
  });

  it('checks the settings an admin saves', async () => {
    const bad = await admin.put('/v1/auth/dhis2-login/settings', { enabled: true, groupRoles: [{ groupId: 'not a uid', role: 'admin' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body.groupRoles[0].groupId');
    const empty = await admin.put('/v1/auth/dhis2-login/settings', { enabled: true, groupRoles: [] });
    expect(empty.body.field).toBe('body.groupRoles');
  });
});

describe('sign in with DHIS2 under the login rate limit', () => {
  it('counts DHIS2 and local attempts together, but not the login page', async () => {
    const server = await startApiServer({ env: { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '3' } });
    try {
      const client = new ApiClient(server);
      for (let index = 0; index < 5; index += 1) expect((await client.get('/v1/auth/methods')).status).toBe(200);
      await client.login('admin', 'wrong-password-1');
      await client.request('POST', '/v1/auth/dhis2-login', { json: { username: 'x', password: 'y' } });
      await client.login('admin', 'wrong-password-2');

      const limited = await client.request('POST', '/v1/auth/dhis2-login', { json: { username: 'x', password: 'y' } });
      expect(limited.status).toBe(429);
    } finally {
      await server.dispose();
    }
  });
});
