import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { ApiClient, signInAsAdmin, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';

describe('console users with org-unit scopes', () => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    for (const [id, parentId] of [['root', null], ['north', 'root'], ['south', 'root'], ['north-clinic', 'north']] as const) {
      await server.ctx.store.orgUnits.insert({ id, name: id, parentId });
    }
    await insertDevice(server.ctx, { device_id: 'north-phone', org_unit_id: 'north-clinic' });
    await insertDevice(server.ctx, { device_id: 'south-phone', org_unit_id: 'south' });
  });
  afterAll(async () => {
    await server.dispose();
  });

  const signIn = async (username: string, password: string) => {
    const client = new ApiClient(server);
    const response = await client.login(username, password);
    return { client, response };
  };

  it('creates a scoped user with a generated password shown once', async () => {
    const created = await admin.post('/v1/users', { username: 'north.operator', role: 'operator', orgUnitIds: ['north'] });

    expect(created.status).toBe(201);
    expect(created.body.orgUnits).toEqual([{ id: 'north', name: 'north', path: '/root/north/' }]);
    expect(created.body.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const listed = (await admin.get('/v1/users')).body.find((user: { username: string }) => user.username === 'north.operator');
    expect(listed.generatedPassword).toBeUndefined();
    expect(JSON.stringify((await admin.get('/v1/audit?limit=50')).body)).not.toContain(created.body.generatedPassword);

    const { client, response } = await signIn('north.operator', created.body.generatedPassword);
    expect(response.status).toBe(200);
    expect(response.body.user.orgUnits).toEqual([{ id: 'north', path: '/root/north/' }]);
    const devices = await client.get('/v1/devices');
    expect(devices.body.items.map((device: { deviceId: string }) => device.deviceId)).toEqual(['north-phone']);
  });

  it('changes role and scope, which apply to the running session', async () => {
    const created = await admin.post('/v1/users', { username: 'roaming', password: 'roaming-password-1', role: 'viewer', orgUnitIds: ['south'] });
    const { client } = await signIn('roaming', 'roaming-password-1');
    expect((await client.get('/v1/fleet/summary')).body.total).toBe(1);

    const changed = await admin.patch(`/v1/users/${created.body.id}`, { role: 'operator', orgUnitIds: ['north', 'south'] });

    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('operator');
    expect((await client.get('/v1/fleet/summary')).body.total).toBe(2);
    const audit = (await admin.get('/v1/audit?limit=20')).body.items.find((event: { action: string }) => event.action === 'user.update');
    expect(audit.details).toMatchObject({ role: { from: 'viewer', to: 'operator' }, orgUnitIds: { from: ['south'], to: ['north', 'south'] } });
  });

  it('disables a user and ends the sessions', async () => {
    const created = await admin.post('/v1/users', { username: 'leaving', password: 'leaving-password-1', role: 'viewer' });
    const { client } = await signIn('leaving', 'leaving-password-1');

    expect((await admin.patch(`/v1/users/${created.body.id}`, { disabled: true })).body.disabled).toBe(true);
    expect((await client.get('/v1/devices')).status).toBe(401);
    expect((await signIn('leaving', 'leaving-password-1')).response.status).toBe(401);
  });

  it('resets a password, ending the old sessions', async () => {
    const created = await admin.post('/v1/users', { username: 'forgetful', password: 'first-password-1', role: 'viewer' });
    const { client } = await signIn('forgetful', 'first-password-1');

    const reset = await admin.post(`/v1/users/${created.body.id}/password`, {});

    expect(reset.status).toBe(200);
    expect((await client.get('/v1/devices')).status).toBe(401);
    expect((await signIn('forgetful', 'first-password-1')).response.status).toBe(401);
    expect((await signIn('forgetful', reset.body.generatedPassword)).response.status).toBe(200);
    expect((await admin.post(`/v1/users/${created.body.id}/password`, { password: 'short' })).body.field).toBe('body.password');
  });

  it('keeps the last fleet-wide admin', async () => {
    const me = (await admin.get('/v1/auth/session')).body.user;

    for (const change of [{ role: 'operator' }, { disabled: true }, { orgUnitIds: ['north'] }]) {
      const response = await admin.patch(`/v1/users/${me.id}`, change);
      expect(response.status).toBe(409);
      expect(response.body.error).toBe('last_admin');
    }
  });

  it('lets only fleet-wide admins manage users', async () => {
    await admin.post('/v1/users', { username: 'north.admin', password: 'north-admin-pass-1', role: 'admin', orgUnitIds: ['north'] });
    const { client } = await signIn('north.admin', 'north-admin-pass-1');

    const response = await client.post('/v1/users', { username: 'escalated', password: 'escalated-pass-1', role: 'admin' });

    expect(response.status).toBe(403);
    expect(response.body.message).toContain('whole fleet');
    expect((await client.get('/v1/users')).status).toBe(403);
  });

  it('rejects unknown units and users with clear fields', async () => {
    const unknownUnit = await admin.post('/v1/users', { username: 'lost', password: 'lost-password-1', role: 'viewer', orgUnitIds: ['nowhere'] });
    expect(unknownUnit.status).toBe(404);
    expect(unknownUnit.body.field).toBe('body.orgUnitIds[0]');
    expect((await admin.patch('/v1/users/no-such-user', { role: 'viewer' })).status).toBe(404);
    expect((await admin.patch('/v1/users/no-such-user', {})).status).toBe(400);
  });
});
