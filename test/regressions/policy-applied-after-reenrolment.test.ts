import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deviceInfo, enrol, postJson, seedToken, sync } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import { createTestSchema, TEST_DATABASE_URL } from '../support/postgres.js';
import type { TestServer } from '../support/server.js';

// A factory-reset phone runs nothing it applied before the reset. The
// applied version it had must not carry over to its new enrolment, or the
// console shows a freshly wiped phone as applied before it reported once.

const backends = [
  { name: 'SQLite', url: null },
  { name: TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite', url: TEST_DATABASE_URL ?? 'pglite://memory' },
];

for (const backend of backends) {
  describe(`policy state after re-enrolment on ${backend.name}`, () => {
    let server: TestServer;
    let admin: ApiClient;
    let policyId: string;
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
      const policy = await admin.post('/v1/policies', { name: 'Re-enrolment tracking', settings: { gps: true } });
      policyId = policy.body.id;
    });

    afterAll(async () => {
      await server?.dispose();
      await dropSchema?.();
    });

    async function policyOf(devicePk: string) {
      const response = await admin.get(`/v1/devices/${devicePk}/compliance`);
      expect(response.status).toBe(200);
      return response.body.policy;
    }

    async function report(deviceId: string, serial: string) {
      const response = await postJson(server, '/rest/public/sync/info', deviceInfo(deviceId, { serial }));
      expect(response.status).toBe(200);
    }

    async function appliedPhone(deviceId: string, serial: string): Promise<string> {
      await enrol(server, deviceId, await seedToken(server.ctx, { policyId }));
      await report(deviceId, serial);
      const device = await server.ctx.store.devices.findByDeviceId(deviceId);
      expect((await policyOf(device!.id)).state).toBe('applied');
      // Enrolment times are in milliseconds, so the next enrolment must fall in a later one.
      await sleep(5);
      return device!.id;
    }

    it('pending after same-id re-enrolment', async () => {
      const pk = await appliedPhone('reenrol-same-id', 'SERIAL-SAME-1');

      const again = await enrol(server, 'reenrol-same-id', await seedToken(server.ctx, { policyId }));
      expect(again.json.status).toBe('OK');
      const afterEnrol = await policyOf(pk);
      expect(afterEnrol.state).toBe('pending');
      expect(afterEnrol.appliedVersion).toBeNull();
      expect(afterEnrol.fetchedCurrent).toBe(true);

      await report('reenrol-same-id', 'SERIAL-SAME-1');
      expect((await policyOf(pk)).state).toBe('applied');
    });

    it('merged record not applied early', async () => {
      const pk = await appliedPhone('reenrol-old-id', 'SERIAL-MERGE-1');
      const saved = await admin.put(`/v1/devices/${pk}/overrides`, { settings: { gps: false } });
      expect(saved.status).toBe(200);
      await sync(server, 'reenrol-old-id');
      await report('reenrol-old-id', 'SERIAL-MERGE-1');
      expect((await policyOf(pk)).state).toBe('applied');
      await sleep(5);

      // Wiped, then enrolled under a new id. The new record has no overrides,
      // so its configuration leaves gps unchanged from the policy.
      await enrol(server, 'reenrol-new-id', await seedToken(server.ctx, { policyId }));
      const fresh = await sync(server, 'reenrol-new-id');
      expect(fresh.json.data.gps).toBe(true);
      await report('reenrol-new-id', 'SERIAL-MERGE-1');

      const merged = await server.ctx.store.devices.findByDeviceId('reenrol-new-id');
      expect(merged!.id).toBe(pk);
      const state = await policyOf(pk);
      expect(state.state).not.toBe('applied');
      expect(state.appliedOverrideRevision).toBeNull();

      // The next sync delivers the overrides, and the report after it applies them.
      const next = await sync(server, 'reenrol-new-id');
      expect(next.json.data.gps).toBe(false);
      await report('reenrol-new-id', 'SERIAL-MERGE-1');
      expect((await policyOf(pk)).state).toBe('applied');
    });

    it('pending after fetching older version', async () => {
      const pk = await appliedPhone('reenrol-older-version', 'SERIAL-OLDER-1');
      await admin.put(`/v1/policies/${policyId}`, { name: 'Re-enrolment tracking', settings: { gps: false } });
      await sync(server, 'reenrol-older-version');
      await admin.put(`/v1/policies/${policyId}`, { name: 'Re-enrolment tracking', settings: { gps: true } });
      await report('reenrol-older-version', 'SERIAL-OLDER-1');

      const state = await policyOf(pk);
      expect(state.state).toBe('pending');
      expect(state.appliedVersion).toBe(state.currentVersion - 1);
    });
  });
}
