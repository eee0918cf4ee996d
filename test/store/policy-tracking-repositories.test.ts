import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateToLatest, type Db } from '../../src/store/database.js';
import { newId } from '../../src/store/ids.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DATABASE_BACKENDS } from '../support/database-backends.js';

// The policy-tracking and override repositories on each backend, with the
// SQL that compares fetched, applied and current versions.

const NOW = 1_764_800_000_000;

const backends = DATABASE_BACKENDS;

async function insertDevice(db: Db, deviceId: string, policyId: string | null): Promise<string> {
  const id = newId();
  await db
    .insertInto('devices')
    .values({ id, device_id: deviceId, policy_id: policyId, enrolment_generation: 1, enrolled_at: NOW, created_at: NOW, updated_at: NOW } as never)
    .execute();
  return id;
}

async function savePolicy(store: Store, id: string, name: string): Promise<number> {
  return store.policies.save({ id, name, description: '', settingsJson: '{}' }, [], 'test', NOW);
}

for (const backend of backends) {
  describe(`policy tracking on ${backend.name}`, () => {
    let db: Db;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ db, cleanup } = await backend.open());
      await migrateToLatest(db);
      store = createStore(db);
    }, 60_000);
    afterAll(async () => {
      await cleanup?.();
    });

    it('applies only what was fetched', async () => {
      const policyId = newId();
      await savePolicy(store, policyId, `tracked-${policyId}`);
      const device = await insertDevice(db, `tracked-${policyId}`, policyId);

      expect(await store.policyState.markApplied(device, NOW)).toBe(false);
      await store.policyState.recordFetch(device, { policyId, policyVersion: 1, overrideRevision: 0, appsJson: '[]' }, NOW);
      expect((await store.policyState.find(device))?.applied_at).toBeNull();

      expect(await store.policyState.markApplied(device, NOW + 1)).toBe(true);
      const applied = await store.policyState.find(device);
      expect(applied?.applied_policy_version).toBe(1);
      expect(Number(applied?.applied_at)).toBe(NOW + 1);
      // A second report changes nothing.
      expect(await store.policyState.markApplied(device, NOW + 2)).toBe(false);
    });

    it('counts devices per policy state', async () => {
      const policyId = newId();
      await savePolicy(store, policyId, `counted-${policyId}`);
      const applied = await insertDevice(db, `applied-${policyId}`, policyId);
      const fetchedOnly = await insertDevice(db, `fetched-${policyId}`, policyId);
      await insertDevice(db, `never-${policyId}`, policyId);
      for (const device of [applied, fetchedOnly]) {
        await store.policyState.recordFetch(device, { policyId, policyVersion: 1, overrideRevision: 0, appsJson: '[]' }, NOW);
      }
      await store.policyState.markApplied(applied, NOW);

      expect((await store.policyState.countByPolicy()).get(policyId)).toEqual({ applied: 1, pending: 1, neverFetched: 1 });
      expect(await store.policyState.countAppliedVersions(policyId)).toEqual(new Map([[1, 1]]));

      await savePolicy(store, policyId, `counted-${policyId}`);
      expect((await store.policyState.countByPolicy()).get(policyId)).toEqual({ applied: 0, pending: 2, neverFetched: 1 });
    });

    it('a new override revision makes an applied device pending', async () => {
      const policyId = newId();
      await savePolicy(store, policyId, `override-${policyId}`);
      const device = await insertDevice(db, `override-${policyId}`, policyId);
      await store.policyState.recordFetch(device, { policyId, policyVersion: 1, overrideRevision: 0, appsJson: '[]' }, NOW);
      await store.policyState.markApplied(device, NOW);

      expect(await store.deviceOverrides.save(device, '{"gps":false}', 'test', NOW)).toBe(1);
      expect(await store.deviceOverrides.save(device, '{}', 'test', NOW)).toBe(2);
      expect((await store.policyState.countByPolicy()).get(policyId)?.pending).toBe(1);

      await store.policyState.recordFetch(device, { policyId, policyVersion: 1, overrideRevision: 2, appsJson: '[]' }, NOW);
      await store.policyState.markApplied(device, NOW);
      expect((await store.policyState.countByPolicy()).get(policyId)?.applied).toBe(1);
    });

    it('keeps reported permissions beside the tracking', async () => {
      const device = await insertDevice(db, `permissions-${newId()}`, null);
      await store.policyState.recordPermissions(device, '[1,0,0,0]');
      await store.policyState.recordFetch(device, { policyId: null, policyVersion: null, overrideRevision: 0, appsJson: '[]' }, NOW);

      const [facts] = await store.compliance.listFacts(device);
      expect(facts?.reported_permissions_json).toBe('[1,0,0,0]');
      expect(Number(facts?.fetched_at)).toBe(NOW);
    });

    it('drops the rows with their device', async () => {
      const device = await insertDevice(db, `deleted-${newId()}`, null);
      await store.deviceOverrides.save(device, '{}', 'test', NOW);
      await store.policyState.recordPermissions(device, '[]');
      await db.deleteFrom('devices').where('id', '=', device).execute();

      expect(await store.deviceOverrides.find(device)).toBeUndefined();
      expect(await store.policyState.find(device)).toBeUndefined();
    });
  });
}
