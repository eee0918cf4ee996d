import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { enrol, seedToken } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import { createTestSchema, TEST_DATABASE_URL } from '../support/postgres.js';
import type { TestServer } from '../support/server.js';

// On PostgreSQL, two requests can run their check-then-insert steps side
// by side. The unique index then fails one insert, which must become a
// 409 or an update, never a 500.

const CONCURRENT_REQUESTS = 8;

const backends = [
  { name: 'SQLite', url: null },
  { name: TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite', url: TEST_DATABASE_URL ?? 'pglite://memory' },
];

for (const backend of backends) {
  describe(`concurrent policy saves on ${backend.name}`, () => {
    let server: TestServer;
    let admin: ApiClient;
    let dropSchema: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      let databaseUrl = backend.url;
      if (databaseUrl?.startsWith('postgres')) {
        const schema = await createTestSchema(databaseUrl);
        dropSchema = schema.drop;
        databaseUrl = schema.url;
      }
      server = await startApiServer({ env: databaseUrl ? { OUTPOST_DATABASE_URL: databaseUrl } : {} });
      admin = await signInAsAdmin(server);
    });

    afterAll(async () => {
      await server?.dispose();
      await dropSchema?.();
    });

    it('returns 409 for duplicate concurrent names', async () => {
      const responses = await Promise.all(
        Array.from({ length: CONCURRENT_REQUESTS }, () => admin.post('/v1/policies', { name: 'Same district' })),
      );
      const statuses = responses.map((response) => response.status).sort();

      expect(statuses).toEqual([201, ...Array<number>(CONCURRENT_REQUESTS - 1).fill(409)]);
      for (const response of responses.filter((each) => each.status === 409)) {
        expect(response.body.error).toBe('policy_name_taken');
      }
    });

    it('numbers concurrent override saves', async () => {
      const policy = await admin.post('/v1/policies', { name: 'Override race' });
      await enrol(server, `override-race-${backend.name}`, await seedToken(server.ctx, { policyId: policy.body.id }));
      const device = await server.ctx.store.devices.findByDeviceId(`override-race-${backend.name}`);

      const responses = await Promise.all(
        Array.from({ length: CONCURRENT_REQUESTS }, (_, index) =>
          admin.put(`/v1/devices/${device!.id}/overrides`, { settings: { brightness: index } }),
        ),
      );

      expect(responses.map((response) => response.status)).toEqual(Array<number>(CONCURRENT_REQUESTS).fill(200));
      const stored = await server.ctx.store.deviceOverrides.find(device!.id);
      expect(stored!.revision).toBe(CONCURRENT_REQUESTS);
    });
  });
}
