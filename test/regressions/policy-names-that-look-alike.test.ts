// "CHW phones" was rejected as a second name for "chw phones", but
// "CHW\u00a0phones" (a no-break space), "CHW  phones" (two spaces) and
// full-width letters were taken, though a list shows them as the same name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
let admin: ApiClient;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
});

afterAll(async () => {
  await server.dispose();
});

describe('policy names that look alike', () => {
  it('refuses a name that differs only by spacing or letter width', async () => {
    expect((await admin.post('/v1/policies', { name: 'CHW phones' })).status).toBe(201);

    for (const name of ['CHW\u00a0phones', 'CHW  phones', '\uff23\uff28\uff37 phones']) {
      const response = await admin.post('/v1/policies', { name });
      expect(response.status, JSON.stringify(name)).toBe(409);
      expect(response.body).toMatchObject({ error: 'policy_name_taken', field: 'body.name' });
    }
  });

  it('still takes a name that reads differently', async () => {
    expect((await admin.post('/v1/policies', { name: 'CHW phones 2' })).status).toBe(201);
  });
});
