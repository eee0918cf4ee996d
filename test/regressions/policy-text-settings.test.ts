import { createHash } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enrol, seedToken, sync } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let admin: ApiClient;
let count = 0;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
});

afterAll(async () => {
  await server?.dispose();
});

function createPolicy(body: Record<string, unknown>) {
  return admin.post('/v1/policies', { name: `Text policy ${++count}`, ...body });
}

describe('policy time zone', () => {
  // ICU accepts ids in any letter case; Android's tz lookup does not.
  it.each([
    ['africa/kampala', 'Africa/Kampala'],
    ['utc', 'UTC'],
    ['AFRICA/NAIROBI', 'Africa/Nairobi'],
  ])('rejects %s and names the spelling %s', async (zone, spelling) => {
    const response = await createPolicy({ settings: { timeZone: zone } });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.settings.timeZone');
    expect(response.body.message).toContain(spelling);
  });

  it.each(['Africa/Kampala', 'UTC', 'auto', 'US/Eastern', 'Asia/Calcutta', 'Etc/GMT+3'])('accepts %s', async (zone) => {
    const response = await createPolicy({ settings: { timeZone: zone } });

    expect(response.status).toBe(201);
    expect(response.body.settings.timeZone).toBe(zone);
  });
});

describe('policy text fields', () => {
  it.each([
    ['name', { name: 'District\u0000A' }, 'body.name'],
    ['name', { name: 'District\nA' }, 'body.name'],
    ['name', { name: 'District \ud800' }, 'body.name'],
    ['description', { description: 'Bo\u0007 district' }, 'body.description'],
    ['title', { settings: { title: 'CHW\u0000' } }, 'body.settings.title'],
    ['kioskApp', { settings: { kioskMode: true, kioskApp: 'com.dhis2, com.other' } }, 'body.settings.kioskApp'],
  ])('rejects a control or broken character in %s', async (_label, body, field) => {
    const response = await createPolicy(body);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
  });

  it('keeps line breaks in a description', async () => {
    const response = await createPolicy({ description: 'Line one\nLine two\twith a tab' });

    expect(response.status).toBe(201);
    expect(response.body.description).toBe('Line one\nLine two\twith a tab');
  });
});

describe('admin-panel password', () => {
  it('rejects untypable password without echo', async () => {
    const response = await createPolicy({ adminPassword: 'Panel-secret\n' });

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('body.adminPassword');
    expect(response.body.message).not.toContain('Panel-secret');
  });

  it('stores and sends only the upper-case MD5', async () => {
    const password = 'Panel-secret-42';
    const md5 = createHash('md5').update(password, 'utf8').digest('hex').toUpperCase();
    const created = await createPolicy({ adminPassword: password });
    expect(created.status).toBe(201);
    const policyId = created.body.id as string;
    const updated = await admin.put(`/v1/policies/${policyId}`, { name: created.body.name, settings: { gps: true } });
    expect(updated.status).toBe(200);

    const responses = [created, updated, await admin.get(`/v1/policies/${policyId}/versions`), await admin.get('/v1/audit')];
    for (const response of responses) {
      expect(response.bytes.toString('utf8')).not.toContain(password);
      expect(response.bytes.toString('utf8')).not.toContain(md5);
    }
    expect(updated.body.adminPasswordSet).toBe(true);

    const db = server.ctx.store.db;
    const rows = [
      await db.selectFrom('policies').selectAll().where('id', '=', policyId).execute(),
      await db.selectFrom('policy_versions').selectAll().where('policy_id', '=', policyId).execute(),
      await db.selectFrom('audit_events').selectAll().execute(),
    ];
    for (const table of rows) expect(JSON.stringify(table)).not.toContain(password);

    const deviceId = `password-phone-${count}`;
    await enrol(server, deviceId, await seedToken(server.ctx, { policyId }));
    const config = (await sync(server, deviceId)).json.data;
    expect(config.password).toBe(md5);
    expect(JSON.stringify(config)).not.toContain(password);
  });
});
