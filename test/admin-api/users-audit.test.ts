import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { ApiClient, signInAsAdmin, startApiServer } from './support/client.js';

describe('users and audit', () => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('created user can sign in with its role', async () => {
    const created = await admin.post('/v1/users', { username: 'awa.traore', password: 'district-office-7', role: 'operator' });

    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      username: 'awa.traore',
      role: 'operator',
      disabled: false,
      createdAt: expect.any(Number),
      authSource: 'local',
      orgUnits: [],
    });
    const client = new ApiClient(server);
    const login = await client.login('awa.traore', 'district-office-7');
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('operator');
  });

  it('user list has no password hashes', async () => {
    const response = await admin.get('/v1/users');

    expect(response.status).toBe(200);
    expect(response.body.map((user: { username: string }) => user.username)).toContain('awa.traore');
    expect(response.bytes.toString('utf8')).not.toContain('argon2');
  });

  it('user creation is audited without the password', async () => {
    await admin.post('/v1/users', { username: 'moussa', password: 'never-in-audit-99', role: 'viewer' });
    const events = (await admin.get('/v1/audit?limit=200')).body.items;
    const creation = events.find((event: { action: string; details: { username?: string } }) => event.action === 'user.create' && event.details.username === 'moussa');

    expect(creation.actor).toBe('admin');
    expect(JSON.stringify(events)).not.toContain('never-in-audit-99');
  });

  it('audit pages newest first without gaps', async () => {
    for (let index = 0; index < 12; index++) {
      await admin.post('/v1/org-units', { id: `unit-${index}`, name: `Unit ${index}` });
    }
    const all = await server.ctx.store.audit.list(1000);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = cursor === null ? '/v1/audit?limit=5' : `/v1/audit?limit=5&cursor=${encodeURIComponent(cursor)}`;
      const page = await admin.get(path);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.items.map((event: { id: string }) => event.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);

    expect(seen).toEqual(all.map((event) => event.id));
  });

  it('audit events name the acting user', async () => {
    const events = (await admin.get('/v1/audit?limit=50')).body.items;
    const unit = events.find((event: { action: string }) => event.action === 'org_unit.create');

    expect(unit.actor).toBe('admin');
    expect(unit.targetType).toBe('org_unit');
  });
});
