import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { type ApiClient, type RequestOptions, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';

type Role = 'viewer' | 'operator' | 'admin';

interface ChangeRoute {
  method: string;
  path: string;
  minimum: Role;
  options: RequestOptions;
}

// Ids that exist nowhere: the role check comes before any lookup, so a
// caller without the role gets 403, never 404.
const MISSING = 'missing-id';

const CHANGE_ROUTES: ChangeRoute[] = [
  { method: 'PATCH', path: `/v1/devices/${MISSING}`, minimum: 'operator', options: { json: { policyId: null } } },
  { method: 'POST', path: `/v1/devices/${MISSING}/commands`, minimum: 'operator', options: { json: { type: 'reboot' } } },
  {
    method: 'POST',
    path: '/v1/apps/upload',
    minimum: 'admin',
    options: { raw: Buffer.from('PK\u0003\u0004 not really an apk'), contentType: 'application/vnd.android.package-archive' },
  },
  { method: 'POST', path: '/v1/policies', minimum: 'admin', options: { json: { name: 'Forbidden policy' } } },
  { method: 'PUT', path: `/v1/policies/${MISSING}`, minimum: 'admin', options: { json: { name: 'Forbidden policy' } } },
  { method: 'DELETE', path: `/v1/policies/${MISSING}`, minimum: 'admin', options: {} },
  { method: 'POST', path: '/v1/org-units', minimum: 'admin', options: { json: { name: 'Forbidden unit' } } },
  { method: 'PUT', path: '/v1/enrolment/agent', minimum: 'admin', options: { json: { appVersionId: MISSING } } },
  { method: 'POST', path: '/v1/enrolment/tokens', minimum: 'admin', options: { json: { policyId: MISSING } } },
  { method: 'POST', path: `/v1/enrolment/tokens/${MISSING}/revoke`, minimum: 'admin', options: {} },
  {
    method: 'POST',
    path: '/v1/users',
    minimum: 'admin',
    options: { json: { username: 'forbidden-user', password: 'forbidden-password', role: 'admin' } },
  },
  { method: 'PATCH', path: `/v1/users/${MISSING}`, minimum: 'admin', options: { json: { role: 'admin' } } },
  { method: 'POST', path: `/v1/users/${MISSING}/password`, minimum: 'admin', options: { json: {} } },
  { method: 'PUT', path: '/v1/auth/dhis2-login/settings', minimum: 'admin', options: { json: { enabled: false, groupRoles: [] } } },
  { method: 'POST', path: '/v1/assignments/import', minimum: 'operator', options: { json: { csv: 'device_id\n' } } },
  { method: 'PUT', path: `/v1/org-units/${MISSING}/policy`, minimum: 'admin', options: { json: { policyId: null } } },
  { method: 'POST', path: '/v1/enrolment/sheets', minimum: 'admin', options: { json: { orgUnitId: MISSING, policyId: MISSING, source: 'blank', count: 1 } } },
];

const READ_ROUTES = [
  '/v1/auth/session',
  '/v1/fleet/summary',
  '/v1/devices',
  '/v1/apps',
  '/v1/policies',
  '/v1/policies/defaults',
  '/v1/org-units',
  '/v1/enrolment/agent',
  '/v1/enrolment/tokens',
  '/v1/audit',
];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

describe('role checks', () => {
  let server: TestServer;
  let clients: Record<Role, ApiClient>;

  beforeAll(async () => {
    server = await startApiServer();
    const admin = await signInAsAdmin(server);
    clients = {
      admin,
      operator: await signInWithRole(server, admin, 'operator'),
      viewer: await signInWithRole(server, admin, 'viewer'),
    };
  });
  afterAll(async () => {
    await server.dispose();
  });

  for (const role of ['viewer', 'operator'] as const) {
    for (const route of CHANGE_ROUTES.filter((entry) => RANK[role] < RANK[entry.minimum])) {
      it(`${role} gets 403 on ${route.method} ${route.path}`, async () => {
        const before = await server.ctx.store.audit.list(1000);
        const response = await clients[role].request(route.method, route.path, route.options);

        expect(response.status).toBe(403);
        expect(response.body.error).toBe('forbidden');
        expect(response.body.message).toContain(`requires the ${route.minimum} role`);
        expect(await server.ctx.store.audit.list(1000)).toHaveLength(before.length);
      });
    }
  }

  for (const path of READ_ROUTES) {
    it(`viewer reads ${path}`, async () => {
      expect((await clients.viewer.get(path)).status).toBe(200);
    });
  }

  it('viewer gets 403 listing users', async () => {
    expect((await clients.viewer.get('/v1/users')).status).toBe(403);
    expect((await clients.operator.get('/v1/users')).status).toBe(403);
  });

  it('operator sends commands and moves devices', async () => {
    const pk = await insertDevice(server.ctx, { device_id: 'operated' });

    expect((await clients.operator.post(`/v1/devices/${pk}/commands`, { type: 'reboot' })).status).toBe(200);
    expect((await clients.operator.patch(`/v1/devices/${pk}`, { orgUnitId: null })).status).toBe(200);
  });

  it('admin passes the role check on every change route', async () => {
    for (const route of CHANGE_ROUTES) {
      const response = await clients.admin.request(route.method, route.path, route.options);
      expect(response.status, `${route.method} ${route.path}`).not.toBe(403);
    }
  });

  it('viewer upload leaves no temporary file', async () => {
    const route = CHANGE_ROUTES.find((entry) => entry.path === '/v1/apps/upload');
    await clients.viewer.request(route?.method ?? 'POST', route?.path ?? '', route?.options);

    expect(await server.ctx.store.apps.listAllVersions()).toEqual([]);
  });
});
