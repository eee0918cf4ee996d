import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { agentUrl, enrol, seedPolicy, seedToken } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let admin: ApiClient;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  const policyId = await seedPolicy(server.ctx);
  await enrol(server, 'report-phone-01', await seedToken(server.ctx, { policyId }));
});

afterAll(async () => {
  await server?.dispose();
});

describe('error messages', () => {
  it('does not call a well-formed device report with a __proto__ key invalid JSON', async () => {
    const response = await fetch(agentUrl(server, '/rest/public/sync/info'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"deviceId":"report-phone-01","__proto__":{"x":1}}',
    });
    const body = await response.json();

    expect(response.status).toBe(400);
    expect(body.message).toMatch(/__proto__/);
  });

  it('answers an overlong admin path id with the documented error shape', async () => {
    const response = await admin.get(`/v1/devices/${'x'.repeat(101)}`);

    expect(response.status).toBe(414);
    // The admin API documents {"error": code, "message": text}; the code is a snake_case word.
    expect(response.body.error).toMatch(/^[a-z_]+$/);
  });
});
