import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expireCommandsJob } from '../../src/jobs/expire-commands.js';
import { defaultJobs } from '../../src/jobs/index.js';
import type { JobOutcome, ScheduledJob } from '../../src/jobs/job.js';
import { purgeListSnapshotsJob } from '../../src/jobs/purge-list-snapshots.js';
import { purgeExpiredSessionsJob } from '../../src/jobs/purge-sessions.js';
import { newId } from '../../src/store/ids.js';
import type { CommandState } from '../../src/store/schema.js';
import { createStore, type Store } from '../../src/store/store.js';
import { BACKENDS, type SharedDatabase } from './backends.js';

const NOW = 1_764_800_000_000;
const MINUTE_MS = 60_000;

function runJob(job: ScheduledJob, store: Store, now: number): Promise<JobOutcome> {
  return job.run({ store, logger: pino({ level: 'silent' }), now, signal: new AbortController().signal });
}

async function insertDevice(store: Store, deviceId: string): Promise<string> {
  const id = newId();
  await store.devices.insert({
    id,
    device_id: deviceId,
    enrolment_generation: 1,
    enrolled_at: NOW,
    created_at: NOW,
    updated_at: NOW,
  });
  return id;
}

describe('default jobs', () => {
  it('have distinct names and positive intervals', () => {
    const jobs = defaultJobs();

    expect(new Set(jobs.map((job) => job.name)).size).toBe(jobs.length);
    for (const job of jobs) expect(job.intervalMs, job.name).toBeGreaterThan(0);
  });
});

for (const backend of BACKENDS) {
  describe(`jobs on ${backend.name}`, () => {
    let database: SharedDatabase;
    let store: Store;

    beforeAll(async () => {
      database = await backend.open();
      store = createStore(database.first);
    });

    afterAll(async () => {
      await database?.cleanup();
    });

    it('purge expired sessions only', async () => {
      await store.users.insert({ id: 'user-1', username: 'district', passwordHash: 'hash', role: 'viewer' }, NOW);
      await store.users.insertSession({ idHash: 'expired', userId: 'user-1', csrfToken: 'c1', expiresAt: NOW - 1 }, NOW);
      await store.users.insertSession({ idHash: 'current', userId: 'user-1', csrfToken: 'c2', expiresAt: NOW + MINUTE_MS }, NOW);

      const outcome = await runJob(purgeExpiredSessionsJob(), store, NOW);

      expect(outcome).toEqual({ deleted: 1 });
      expect(await store.users.findSession('expired')).toBeUndefined();
      expect(await store.users.findSession('current')).toBeDefined();
    });

    it('purge list snapshots older than 15 minutes', async () => {
      const devicePk = await insertDevice(store, 'phone-snapshot');
      const rows = [
        { snapshot_id: 'old', position: 1, device_pk: devicePk, created_at: NOW - 15 * MINUTE_MS - 1 },
        { snapshot_id: 'old', position: 2, device_pk: devicePk, created_at: NOW - 15 * MINUTE_MS - 1 },
        { snapshot_id: 'fresh', position: 1, device_pk: devicePk, created_at: NOW - 15 * MINUTE_MS },
      ];
      await database.first.insertInto('list_snapshot_rows').values(rows).execute();

      const outcome = await runJob(purgeListSnapshotsJob(), store, NOW);

      expect(outcome).toEqual({ deleted: 2 });
      const left = await database.first.selectFrom('list_snapshot_rows').select('snapshot_id').execute();
      expect(left.map((row) => row.snapshot_id)).toEqual(['fresh']);
    });

    it('expire open commands past their expiry', async () => {
      const devicePk = await insertDevice(store, 'phone-commands');
      const cases: Array<{ type: string; state: CommandState; expiresAt: number | null; expected: CommandState }> = [
        { type: 'queued-overdue', state: 'queued', expiresAt: NOW - 1, expected: 'expired' },
        { type: 'sent-overdue', state: 'sent', expiresAt: NOW - MINUTE_MS, expected: 'expired' },
        { type: 'queued-due-now', state: 'queued', expiresAt: NOW, expected: 'expired' },
        { type: 'queued-future', state: 'queued', expiresAt: NOW + 1, expected: 'queued' },
        { type: 'queued-forever', state: 'queued', expiresAt: null, expected: 'queued' },
        { type: 'confirmed-overdue', state: 'confirmed', expiresAt: NOW - 1, expected: 'confirmed' },
        { type: 'failed-overdue', state: 'failed', expiresAt: NOW - 1, expected: 'failed' },
      ];
      for (const entry of cases) {
        const id = await store.commands.insert(
          { devicePk, generation: 1, type: entry.type, createdBy: null, expiresAt: entry.expiresAt },
          NOW - 2 * MINUTE_MS,
        );
        if (entry.state !== 'queued') await store.commands.settleOpen([id], entry.state, NOW - 2 * MINUTE_MS);
      }

      const outcome = await runJob(expireCommandsJob(), store, NOW);

      expect(outcome).toEqual({ expired: 3 });
      const commands = await store.commands.listForDevice(devicePk, cases.length);
      for (const entry of cases) {
        const command = commands.find((row) => row.type === entry.type);
        expect(command?.state, entry.type).toBe(entry.expected);
        expect(command?.updated_at, entry.type).toBe(entry.expected === 'expired' ? NOW : NOW - 2 * MINUTE_MS);
      }
    });
  });
}
