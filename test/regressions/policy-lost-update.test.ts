import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInAsAdmin, signInWithRole, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

// Two managers open the same policy. Without a version check the second
// save replaced the whole policy and silently undid the first one's change.

let server: TestServer;
let first: ApiClient;
let second: ApiClient;

beforeAll(async () => {
  server = await startApiServer();
  first = await signInAsAdmin(server);
  second = await signInWithRole(server, first, 'admin');
});

afterAll(async () => {
  await server?.dispose();
});

describe('policy save from a stale version', () => {
  it('rejects the second save with 409', async () => {
    const created = await first.post('/v1/policies', { name: 'Shared policy', settings: { gps: true } });
    const id = created.body.id as string;

    const firstSave = await first.put(`/v1/policies/${id}`, {
      name: 'Shared policy',
      settings: { gps: true, restrictions: ['no_config_tethering'] },
      expectedVersion: 1,
    });
    expect(firstSave.status).toBe(200);
    expect(firstSave.body.version).toBe(2);

    const secondSave = await second.put(`/v1/policies/${id}`, {
      name: 'Shared policy',
      settings: { gps: false },
      expectedVersion: 1,
    });
    expect(secondSave.status).toBe(409);
    expect(secondSave.body.error).toBe('policy_version_conflict');
    expect(secondSave.body.field).toBe('body.expectedVersion');
    expect(secondSave.body.message).toContain('version 2');

    const stored = await first.get(`/v1/policies/${id}`);
    expect(stored.body.version).toBe(2);
    expect(stored.body.settings.restrictions).toEqual(['no_config_tethering']);
    expect(stored.body.settings.gps).toBe(true);
  });

  it('saves without expectedVersion as before', async () => {
    const created = await first.post('/v1/policies', { name: 'Unchecked policy' });
    const saved = await second.put(`/v1/policies/${created.body.id}`, { name: 'Unchecked policy', settings: { wifi: true } });

    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(2);
  });

  it.each([0, 1.5, '1', null])('rejects expectedVersion %j', async (expectedVersion) => {
    const created = await first.post('/v1/policies', { name: `Bad version ${String(expectedVersion)}` });
    const saved = await first.put(`/v1/policies/${created.body.id}`, { name: created.body.name, expectedVersion });

    expect(saved.status).toBe(400);
    expect(saved.body.field).toBe('body.expectedVersion');
  });
});
