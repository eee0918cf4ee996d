import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { type ApiClient, type RequestOptions, signInAsAdmin, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';

interface BadInput {
  name: string;
  method: string;
  /** Path under /api; `:device` becomes a real device record id. */
  path: string;
  options?: RequestOptions;
  status: number;
  field?: string;
}

const json = (value: unknown): RequestOptions => ({ json: value });

const BAD_INPUTS: BadInput[] = [
  { name: 'device unknown DHIS2 user', method: 'PATCH', path: '/v1/devices/:device', options: json({ dhis2UserId: 'Unobody0000' }), status: 404, field: 'body.dhis2UserId' },
  { name: 'device DHIS2 user number', method: 'PATCH', path: '/v1/devices/:device', options: json({ dhis2UserId: 7 }), status: 400, field: 'body.dhis2UserId' },
  { name: 'assignment of missing device', method: 'GET', path: '/v1/devices/missing-device/assignment', status: 404, field: 'params.id' },
  { name: 'import without csv', method: 'POST', path: '/v1/assignments/import', options: json({ dryRun: true }), status: 400, field: 'body.csv' },
  { name: 'import empty csv', method: 'POST', path: '/v1/assignments/import', options: json({ csv: '' }), status: 400, field: 'body.csv' },
  { name: 'import header only', method: 'POST', path: '/v1/assignments/import', options: json({ csv: 'device_id,serial,dhis2_username,org_unit_id\n' }), status: 200 },
  { name: 'import broken quote', method: 'POST', path: '/v1/assignments/import', options: json({ csv: 'device_id\n"open' }), status: 400, field: 'body.csv' },
  { name: 'import dryRun text', method: 'POST', path: '/v1/assignments/import', options: json({ csv: 'a', dryRun: 'yes' }), status: 400, field: 'body.dryRun' },
  { name: 'unit policy unknown unit', method: 'PUT', path: '/v1/org-units/nowhere/policy', options: json({ policyId: null }), status: 404, field: 'params.id' },
  { name: 'unit policy unknown policy', method: 'PUT', path: '/v1/org-units/district/policy', options: json({ policyId: 'no-policy' }), status: 404, field: 'body.policyId' },
  { name: 'unit policy missing field', method: 'PUT', path: '/v1/org-units/district/policy', options: json({}), status: 400, field: 'body.policyId' },
  { name: 'sheet unknown policy', method: 'POST', path: '/v1/enrolment/sheets', options: json({ orgUnitId: 'district', policyId: 'x', source: 'blank', count: 1 }), status: 404, field: 'body.policyId' },
  { name: 'sheet unknown source', method: 'POST', path: '/v1/enrolment/sheets', options: json({ orgUnitId: 'district', policyId: 'x', source: 'all' }), status: 400, field: 'body.source' },
  { name: 'sheet count 0', method: 'POST', path: '/v1/enrolment/sheets', options: json({ orgUnitId: 'district', policyId: 'x', source: 'blank', count: 0 }), status: 400, field: 'body.count' },
  { name: 'sheet count 501', method: 'POST', path: '/v1/enrolment/sheets', options: json({ orgUnitId: 'district', policyId: 'x', source: 'blank', count: 501 }), status: 400, field: 'body.count' },
  { name: 'sheet unknown unit', method: 'POST', path: '/v1/enrolment/sheets', options: json({ orgUnitId: 'nowhere', policyId: 'x', source: 'blank', count: 1 }), status: 404, field: 'body.orgUnitId' },
  { name: 'user scope not array', method: 'POST', path: '/v1/users', options: json({ username: 'u1', role: 'viewer', orgUnitIds: 'district' }), status: 400, field: 'body.orgUnitIds' },
  { name: 'user patch unknown field', method: 'PATCH', path: '/v1/users/any', options: json({ password: 'new-password-1' }), status: 400, field: 'body.password' },
  { name: 'dhis2 login settings bad role', method: 'PUT', path: '/v1/auth/dhis2-login/settings', options: json({ enabled: false, groupRoles: [{ groupId: 'Abcdefghij1', role: 'owner' }] }), status: 400 },
  { name: 'dhis2 login without body', method: 'POST', path: '/v1/auth/dhis2-login', status: 400, field: 'body' },
];

describe('bad input to assignment, user and sign-in routes', () => {
  let server: TestServer;
  let admin: ApiClient;
  let devicePk: string;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    await server.ctx.store.orgUnits.insert({ id: 'district', name: 'District', parentId: null });
    devicePk = await insertDevice(server.ctx, { device_id: 'bad-input-phone', org_unit_id: 'district' });
  });
  afterAll(async () => {
    await server.dispose();
  });

  for (const entry of BAD_INPUTS) {
    it(`${entry.name}: ${entry.status}`, async () => {
      const before = await server.ctx.store.db.selectFrom('devices').selectAll().execute();
      const response = await admin.request(entry.method, entry.path.replace(':device', devicePk), entry.options);

      expect(response.status, JSON.stringify(response.body)).toBe(entry.status);
      if (entry.status >= 400) expect(response.body.message.length).toBeGreaterThan(10);
      if (entry.field) expect(response.body.field).toBe(entry.field);
      expect(await server.ctx.store.db.selectFrom('devices').selectAll().execute()).toEqual(before);
    });
  }
});
