// The repositories behind enrolment rules, id claims and metrics, on SQLite
// and on PostgreSQL (a server at OUTPOST_TEST_DATABASE_URL, or PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newId } from '../../src/store/ids.js';
import { createStore, type Store } from '../../src/store/store.js';
import { BACKENDS, type SharedDatabase } from '../jobs/backends.js';

const NOW = 1_764_800_000_000;
const MINUTE_MS = 60_000;

async function insertDevice(store: Store, deviceId: string, lastContactAt: number | null): Promise<string> {
  const id = newId();
  await store.devices.insert({
    id,
    device_id: deviceId,
    enrolment_generation: 1,
    enrolled_at: NOW,
    last_contact_at: lastContactAt,
    created_at: NOW,
    updated_at: NOW,
  });
  return id;
}

for (const backend of BACKENDS) {
  describe(`enrolment rule repositories on ${backend.name}`, () => {
    let database: SharedDatabase;
    let store: Store;

    beforeAll(async () => {
      database = await backend.open();
      store = createStore(database.first);
    });

    afterAll(async () => {
      await database?.cleanup();
    });

    it('lists each serial once', async () => {
      const first = await store.preregisteredDevices.insertMany([{ hardwareId: 'R58M00001', label: 'a' }, { hardwareId: 'R58M00002', label: '' }], 'admin', NOW);
      const again = await store.preregisteredDevices.insertMany([{ hardwareId: 'R58M00002', label: 'b' }, { hardwareId: 'R58M00003', label: '' }], 'admin', NOW);

      expect(first).toBe(2);
      expect(again).toBe(1);
      expect(await store.preregisteredDevices.count()).toBe(3);
      expect((await store.preregisteredDevices.list(2)).map((row) => row.hardware_id)).toEqual(['R58M00001', 'R58M00002']);
      expect((await store.preregisteredDevices.list(2, 'R58M00002')).map((row) => row.hardware_id)).toEqual(['R58M00003']);
    });

    it('matches any listed value', async () => {
      expect(await store.preregisteredDevices.containsAny(['nothing', 'R58M00003'])).toBe(true);
      expect(await store.preregisteredDevices.containsAny(['nothing'])).toBe(false);
      expect(await store.preregisteredDevices.containsAny([])).toBe(false);
    });

    it('removes a listed value', async () => {
      expect(await store.preregisteredDevices.remove('R58M00003')).toBe(true);
      expect(await store.preregisteredDevices.remove('R58M00003')).toBe(false);
    });

    it('inserts large lists in several statements', async () => {
      const entries = Array.from({ length: 1200 }, (_, index) => ({ hardwareId: `BULK-${String(index).padStart(5, '0')}`, label: '' }));
      await store.preregisteredDevices.insertMany(entries.slice(0, 200), 'admin', NOW);

      expect(await store.preregisteredDevices.insertMany(entries, 'admin', NOW)).toBe(1000);
      expect(await store.preregisteredDevices.containsAny(['BULK-01199'])).toBe(true);
    });

    it('counts repeated id claims in one row', async () => {
      const devicePk = await insertDevice(store, 'phone-claims', NOW);
      await store.deviceIdClaims.record(devicePk, { serial: 'S1', imei: null, ip: '10.0.0.1' }, NOW);
      await store.deviceIdClaims.record(devicePk, { serial: 'S2', imei: '3569', ip: '10.0.0.2' }, NOW + MINUTE_MS);

      const claim = await store.deviceIdClaims.find(devicePk);
      expect(claim).toMatchObject({
        first_claimed_at: NOW,
        last_claimed_at: NOW + MINUTE_MS,
        claim_count: 2,
        claimant_serial: 'S2',
        claimant_imei: '3569',
        claimant_ip: '10.0.0.2',
      });
      expect(await store.deviceIdClaims.list(10)).toHaveLength(1);
    });

    it('drops a claim with its device', async () => {
      const devicePk = await insertDevice(store, 'phone-claim-deleted', NOW);
      await store.deviceIdClaims.record(devicePk, { serial: 'S3', imei: null, ip: '10.0.0.3' }, NOW);

      await store.devices.deleteByPk(devicePk);

      expect(await store.deviceIdClaims.find(devicePk)).toBeUndefined();
    });

    it('counts devices by contact', async () => {
      await insertDevice(store, 'phone-late', NOW - 30 * MINUTE_MS);
      await insertDevice(store, 'phone-offline', NOW - 300 * MINUTE_MS);
      await insertDevice(store, 'phone-never', null);

      const counts = await store.metrics.countDevicesByContact(NOW - 20 * MINUTE_MS, NOW - 120 * MINUTE_MS);

      // phone-claims, enrolled above, contacted at NOW.
      expect(counts).toEqual({ online: 1, late: 1, offline: 1, never: 1 });
      expect(await store.metrics.countRolloutsByState()).toEqual({});
    });
  });
}
