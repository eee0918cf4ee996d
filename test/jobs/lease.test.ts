import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { JobLeases } from '../../src/jobs/lease.js';
import { BACKENDS, type SharedDatabase } from './backends.js';

const NOW = 1_764_800_000_000;
const TTL_MS = 60_000;

for (const backend of BACKENDS) {
  describe(`job leases on ${backend.name}`, () => {
    let database: SharedDatabase;
    let processA: JobLeases;
    let processB: JobLeases;

    beforeAll(async () => {
      database = await backend.open();
      processA = new JobLeases(database.first);
      processB = new JobLeases(database.second);
    });

    afterAll(async () => {
      await database?.cleanup();
    });

    it('goes to the first of two holders', async () => {
      expect(await processA.acquire('held', 'a', TTL_MS, NOW)).toBe(true);
      expect(await processB.acquire('held', 'b', TTL_MS, NOW + 1)).toBe(false);

      const lease = await processB.find('held');
      expect(lease?.holder).toBe('a');
      expect(lease?.expiresAt).toBe(NOW + TTL_MS);
    });

    it('goes to exactly one of two racing holders', async () => {
      const names = Array.from({ length: 10 }, (_, index) => `raced-${index}`);

      const races = await Promise.all(
        names.map((name) =>
          Promise.all([processA.acquire(name, 'a', TTL_MS, NOW), processB.acquire(name, 'b', TTL_MS, NOW)]),
        ),
      );

      for (const [index, [wonByA, wonByB]] of races.entries()) {
        expect(wonByA !== wonByB, `exactly one winner of ${names[index]}`).toBe(true);
        expect((await processA.find(names[index]!))?.holder).toBe(wonByA ? 'a' : 'b');
      }
    });

    it('stays with its holder until it expires', async () => {
      await processA.acquire('until-expiry', 'a', TTL_MS, NOW);

      expect(await processB.acquire('until-expiry', 'b', TTL_MS, NOW + TTL_MS - 1)).toBe(false);
      expect((await processB.find('until-expiry'))?.holder).toBe('a');
    });

    it('is taken over after expiry', async () => {
      await processA.acquire('takeover', 'a', TTL_MS, NOW);

      expect(await processB.acquire('takeover', 'b', TTL_MS, NOW + TTL_MS)).toBe(true);

      const lease = await processA.find('takeover');
      expect(lease?.holder).toBe('b');
      expect(lease?.expiresAt).toBe(NOW + 2 * TTL_MS);
      expect(await processA.renew('takeover', 'a', TTL_MS, NOW + TTL_MS + 1)).toBe(false);
    });

    it('extends on renewal', async () => {
      await processA.acquire('renewed', 'a', TTL_MS, NOW);

      expect(await processA.renew('renewed', 'a', TTL_MS, NOW + TTL_MS / 2)).toBe(true);

      expect((await processA.find('renewed'))?.expiresAt).toBe(NOW + TTL_MS / 2 + TTL_MS);
      expect(await processB.acquire('renewed', 'b', TTL_MS, NOW + TTL_MS)).toBe(false);
      expect(await processB.acquire('renewed', 'b', TTL_MS, NOW + TTL_MS / 2 + TTL_MS)).toBe(true);
    });

    it('is not renewed once expired', async () => {
      await processA.acquire('lapsed', 'a', TTL_MS, NOW);

      expect(await processA.renew('lapsed', 'a', TTL_MS, NOW + TTL_MS)).toBe(false);
      expect((await processA.find('lapsed'))?.expiresAt).toBe(NOW + TTL_MS);
    });

    it('is extended when its holder acquires it again', async () => {
      await processA.acquire('again', 'a', TTL_MS, NOW);

      expect(await processA.acquire('again', 'a', TTL_MS, NOW + 10)).toBe(true);
      expect((await processA.find('again'))?.expiresAt).toBe(NOW + 10 + TTL_MS);
    });

    it('is free after release by its holder only', async () => {
      await processA.acquire('released', 'a', TTL_MS, NOW);

      await processB.release('released', 'b');
      expect((await processA.find('released'))?.holder).toBe('a');

      await processA.release('released', 'a');
      expect(await processA.find('released')).toBeUndefined();
      expect(await processB.acquire('released', 'b', TTL_MS, NOW + 1)).toBe(true);
    });

    it('keeps leases of different names apart', async () => {
      expect(await processA.acquire('first-job', 'a', TTL_MS, NOW)).toBe(true);
      expect(await processB.acquire('second-job', 'b', TTL_MS, NOW)).toBe(true);
    });
  });
}
