import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase, type Db } from '../../src/store/database.js';
import { newId } from '../../src/store/ids.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DATABASE_BACKENDS } from '../support/database-backends.js';

const NOW = 1_764_800_000_000;
const MINUTE = 60_000;

async function insertDevice(db: Db, deviceId: string, orgUnitId: string | null = null): Promise<string> {
  const id = newId();
  await db
    .insertInto('devices')
    .values({
      id,
      device_id: deviceId,
      enrolment_generation: 1,
      enrolled_at: NOW,
      created_at: NOW,
      updated_at: NOW,
      org_unit_id: orgUnitId,
    } as never)
    .execute();
  return id;
}

const backends = DATABASE_BACKENDS;

for (const backend of backends) {
  describe(`location repository on ${backend.name}`, () => {
    let db: Db;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ db, cleanup } = await backend.open());
      await migrateToLatest(db);
      store = createStore(db);
    });
    afterAll(async () => {
      await cleanup();
    });

    it('append stores a time taken once', async () => {
      const pk = await insertDevice(db, 'repo-append');
      const fix = { takenAt: NOW, lat: 8.48, lon: -13.23 };

      expect(await store.locations.append(pk, fix, NOW + 1)).toBe(true);
      expect(await store.locations.append(pk, { ...fix, lat: 9 }, NOW + 2)).toBe(false);

      const rows = await store.locations.listForDevice(pk, 0, NOW * 2, 10);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.lat).toBeCloseTo(8.48);
      expect(Number(rows[0]?.received_at)).toBe(NOW + 1);
    });

    it('last position never moves backwards', async () => {
      const pk = await insertDevice(db, 'repo-forward');

      expect(await store.locations.advanceLastPosition(pk, { takenAt: NOW, lat: 1, lon: 2 })).toBe(true);
      expect(await store.locations.advanceLastPosition(pk, { takenAt: NOW - MINUTE, lat: 3, lon: 4 })).toBe(false);
      expect(await store.locations.advanceLastPosition(pk, { takenAt: NOW, lat: 5, lon: 6 })).toBe(false);
      expect(await store.locations.advanceLastPosition(pk, { takenAt: NOW + MINUTE, lat: 7, lon: 8 })).toBe(true);

      const device = await store.devices.findByPk(pk);
      expect(Number(device?.last_location_at)).toBe(NOW + MINUTE);
      expect(device?.last_lat).toBe(7);
    });

    it('rejections count per reason', async () => {
      const pk = await insertDevice(db, 'repo-rejections');

      expect(await store.locations.recordRejection(pk, 'null_island', { takenAt: NOW, lat: 0, lon: 0 }, NOW)).toBe(1);
      expect(await store.locations.recordRejection(pk, 'null_island', { takenAt: NOW + 1, lat: 0, lon: 0 }, NOW + 5)).toBe(2);
      expect(await store.locations.recordRejection(pk, 'future_time', { takenAt: NOW * 2, lat: 1, lon: 1 }, NOW + 6)).toBe(1);

      const rows = await store.locations.listRejections(pk);
      expect(rows.map((row) => [row.reason, Number(row.count)])).toEqual([
        ['future_time', 1],
        ['null_island', 2],
      ]);
      const island = rows.find((row) => row.reason === 'null_island');
      expect(Number(island?.first_at)).toBe(NOW);
      expect(Number(island?.last_at)).toBe(NOW + 5);
      expect(Number(island?.last_taken_at)).toBe(NOW + 1);
    });

    it('fleet positions follow the scope filter', async () => {
      const unit = newId();
      await db.insertInto('org_units').values({ id: unit, name: 'District', parent_id: null, path: `/${unit}/`, level: 1, created_at: NOW }).execute();
      const inside = await insertDevice(db, 'repo-fleet-inside', unit);
      const outside = await insertDevice(db, 'repo-fleet-outside');
      await store.locations.advanceLastPosition(inside, { takenAt: NOW, lat: 1, lon: 1 });
      await store.locations.advanceLastPosition(outside, { takenAt: NOW - 10 * MINUTE, lat: 2, lon: 2 });

      const everyone = await store.locations.listFleetPositions({ takenSince: null, scope: null });
      const ids = everyone.map((row) => row.device_id);
      expect(ids).toContain('repo-fleet-inside');
      expect(ids).toContain('repo-fleet-outside');
      expect(ids).not.toContain('repo-rejections');

      const scoped = await store.locations.listFleetPositions({ takenSince: null, scope: { paths: [`/${unit}/`] } });
      expect(scoped.map((row) => row.device_id)).toEqual(['repo-fleet-inside']);

      const recent = await store.locations.listFleetPositions({ takenSince: NOW - MINUTE, scope: null });
      expect(recent.map((row) => row.device_id)).not.toContain('repo-fleet-outside');
    });

    it('deleteOlderThan purges by time taken', async () => {
      const pk = await insertDevice(db, 'repo-purge');
      const day = 24 * 60 * MINUTE;
      for (const offset of [0, 1, 2, 3]) await store.locations.append(pk, { takenAt: NOW - offset * day, lat: 1, lon: 1 }, NOW);
      await store.locations.recordRejection(pk, 'null_island', { takenAt: NOW - 3 * day, lat: 0, lon: 0 }, NOW - 3 * day);
      await store.locations.recordRejection(pk, 'future_time', { takenAt: NOW + day, lat: 1, lon: 1 }, NOW);

      const deleted = await store.locations.deleteOlderThan(NOW - day);

      expect(deleted).toBeGreaterThanOrEqual(2);
      const left = await store.locations.listForDevice(pk, 0, NOW * 2, 10);
      expect(left.map((row) => Number(row.taken_at))).toEqual([NOW, NOW - day]);
      const rejections = await store.locations.listRejections(pk);
      expect(rejections.map((row) => row.reason)).toEqual(['future_time']);
    });
  });
}

describe('location history migration', () => {
  let db: Db;

  beforeAll(() => {
    db = openDatabase(':memory:');
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('removes duplicate fixes and keeps the first received', async () => {
    const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0005-bulk-actions');
    if (error) throw error;

    // A database whose unique index was lost, e.g. restored by hand.
    await sql`drop index locations_device_taken`.execute(db);
    const pk = await insertDevice(db, 'migrated-phone');
    const row = (id: string, receivedAt: number, lat: number) => ({ id, device_pk: pk, taken_at: NOW, lat, lon: 1, received_at: receivedAt });
    await db.insertInto('locations').values([row('b', NOW + 2, 2), row('a', NOW + 1, 1), row('c', NOW + 1, 3)]).execute();
    await db.insertInto('locations').values({ id: 'd', device_pk: pk, taken_at: NOW + MINUTE, lat: 4, lon: 1, received_at: NOW }).execute();

    await migrateToLatest(db);

    const rows = await db.selectFrom('locations').select(['id', 'taken_at']).where('device_pk', '=', pk).orderBy('taken_at').execute();
    expect(rows.map((kept) => kept.id)).toEqual(['a', 'd']);
    const duplicate = db.insertInto('locations').values({ id: 'e', device_pk: pk, taken_at: NOW, lat: 5, lon: 1, received_at: NOW }).execute();
    await expect(duplicate).rejects.toThrow(/UNIQUE/i);
  });
});
