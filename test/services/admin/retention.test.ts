import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInAsAdmin, signInWithRole, startApiServer, type ApiClient } from '../../admin-api/support/client.js';
import type { TestServer } from '../../support/server.js';

let server: TestServer;
let admin: ApiClient;
let operator: ApiClient;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  operator = await signInWithRole(server, admin, 'operator');
});

afterAll(async () => {
  await server?.dispose();
});

describe('retention settings API', () => {
  it('starts with the defaults', async () => {
    const response = await operator.get('/v1/settings/retention');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ locationDays: 90, deviceLogDays: 30, auditEventDays: 365, finishedCommandDays: 90, syncRunDays: 30, bulkJobDays: 90 });
  });

  it('changes only the kinds given and stores them', async () => {
    const response = await admin.put('/v1/settings/retention', { locationDays: 30, auditEventDays: 730 });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ locationDays: 30, auditEventDays: 730, deviceLogDays: 30 });
    expect(await server.ctx.store.settings.get('retention')).toMatchObject({ locationDays: 30, auditEventDays: 730 });
    const events = await server.ctx.store.audit.list(50);
    expect(events.some((event) => event.action === 'retention.update')).toBe(true);
  });

  it('names the field of a bad value', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ locationDays: 0 }, 'locationDays'],
      [{ deviceLogDays: -3 }, 'deviceLogDays'],
      [{ auditEventDays: 1.5 }, 'auditEventDays'],
      [{ finishedCommandDays: '90' }, 'finishedCommandDays'],
      [{ syncRunDays: 100_000 }, 'syncRunDays'],
    ];
    for (const [body, field] of cases) {
      const response = await admin.put('/v1/settings/retention', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.message, JSON.stringify(body)).toContain(field);
    }
  });

  it('rejects unknown kinds', async () => {
    const response = await admin.put('/v1/settings/retention', { sessionDays: 3 });
    expect(response.status).toBe(400);
  });

  it('lets only an admin change them', async () => {
    const response = await operator.put('/v1/settings/retention', { locationDays: 5 });
    expect(response.status).toBe(403);
    expect((await operator.get('/v1/settings/retention')).body.locationDays).toBe(30);
  });
});
