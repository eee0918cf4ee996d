import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { JobOutcome, ScheduledJob } from '../../src/jobs/job.js';
import { retentionPurgeJobs } from '../../src/jobs/purge-retention.js';
import { newId } from '../../src/store/ids.js';
import type { CommandState } from '../../src/store/schema.js';
import { createStore, type Store } from '../../src/store/store.js';
import { BACKENDS, type SharedDatabase } from './backends.js';

const NOW = 1_764_800_000_000;
const DAY_MS = 86_400_000;
// Small batches, so every purge below needs several of them.
const BATCH_SIZE = 3;

function jobNamed(name: string): ScheduledJob {
  const job = retentionPurgeJobs(60_000, BATCH_SIZE).find((candidate) => candidate.name === name);
  if (!job) throw new Error(`no purge job named ${name}`);
  return job;
}

function runJob(name: string, store: Store, signal = new AbortController().signal): Promise<JobOutcome> {
  return jobNamed(name).run({ store, logger: pino({ level: 'silent' }), now: NOW, signal });
}

async function count(store: Store, table: 'locations' | 'device_logs' | 'audit_events' | 'commands' | 'dhis2_sync_runs'): Promise<number> {
  const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function insertDevice(store: Store, deviceId: string): Promise<string> {
  const id = newId();
  await store.devices.insert({ id, device_id: deviceId, enrolment_generation: 1, enrolled_at: NOW, created_at: NOW, updated_at: NOW });
  return id;
}

async function insertLocations(store: Store, devicePk: string, ages: number[]): Promise<void> {
  for (const [index, ageDays] of ages.entries()) {
    const takenAt = NOW - ageDays * DAY_MS - index;
    await store.db.insertInto('locations').values({ id: newId(), device_pk: devicePk, taken_at: takenAt, lat: 1, lon: 2, received_at: takenAt }).execute();
  }
}

async function insertLogs(store: Store, devicePk: string, ages: number[]): Promise<void> {
  for (const ageDays of ages) {
    const at = NOW - ageDays * DAY_MS;
    await store.db
      .insertInto('device_logs')
      .values({ id: newId(), device_pk: devicePk, logged_at: at, log_level: 3, package_name: 'org.dhis2', message: 'line', received_at: at })
      .execute();
  }
}

async function insertCommand(store: Store, devicePk: string, state: CommandState, ageDays: number): Promise<void> {
  const at = NOW - ageDays * DAY_MS;
  await store.db
    .insertInto('commands')
    .values({ id: newId(), device_pk: devicePk, generation: 1, type: 'reboot', payload_json: null, state, created_by: 'test', created_at: at, updated_at: at, expires_at: null })
    .execute();
}

async function insertSyncRun(store: Store, state: 'running' | 'succeeded' | 'failed', ageDays: number): Promise<void> {
  const at = NOW - ageDays * DAY_MS;
  await store.db
    .insertInto('dhis2_sync_runs')
    .values({ id: newId(), trigger: 'schedule', actor: 'system', mode: 'full', state, phase: 'done', started_at: at, heartbeat_at: at, finished_at: state === 'running' ? null : at } as never)
    .execute();
}

async function insertBulkJob(store: Store, state: 'queued' | 'running' | 'completed' | 'cancelled', ageDays: number, devices: number): Promise<string> {
  const at = NOW - ageDays * DAY_MS;
  const id = newId();
  const finished = state === 'completed' || state === 'cancelled';
  await store.db
    .insertInto('bulk_jobs')
    .values({
      id,
      command_type: 'lock',
      payload_json: null,
      selection_json: '{}',
      state,
      expires_in_hours: null,
      total: devices,
      created_by: 'admin',
      created_at: at,
      started_at: at,
      finished_at: finished ? at : null,
      cancelled_by: null,
      updated_at: at,
    } as never)
    .execute();
  for (let position = 0; position < devices; position += 1) {
    await store.db
      .insertInto('bulk_job_devices')
      .values({ job_id: id, device_pk: `device-${position}`, position, state: 'done', command_id: null, detail: null, updated_at: at } as never)
      .execute();
  }
  return id;
}

for (const backend of BACKENDS) {
  describe(`retention purges on ${backend.name}`, () => {
    let database: SharedDatabase;
    let store: Store;
    let devicePk: string;

    beforeAll(async () => {
      database = await backend.open();
      store = createStore(database.first);
      devicePk = await insertDevice(store, 'phone-retention');
    });

    afterAll(async () => {
      await database?.cleanup();
    });

    it('deletes locations past 90 days by default', async () => {
      await insertLocations(store, devicePk, [400, 200, 120, 95, 91, 91, 91, 89, 30, 1]);

      expect(await runJob('purge-locations', store)).toEqual({ deleted: 7 });
      expect(await count(store, 'locations')).toBe(3);
    });

    it('follows a changed retention setting', async () => {
      await store.settings.set('retention', { locationDays: 10 });

      expect(await runJob('purge-locations', store)).toEqual({ deleted: 2 });
      expect(await count(store, 'locations')).toBe(1);
    });

    it('deletes device logs in batches', async () => {
      await insertLogs(store, devicePk, [31, 32, 33, 34, 35, 36, 37, 29, 1]);

      expect(await runJob('purge-device-logs', store)).toEqual({ deleted: 7 });
      expect(await count(store, 'device_logs')).toBe(2);
    });

    it('deletes audit events past a year', async () => {
      for (const ageDays of [366, 400, 500, 364, 0]) {
        await store.audit.record({ actor: 'test', action: 'test.event', targetType: 'test' }, NOW - ageDays * DAY_MS);
      }

      expect(await runJob('purge-audit-events', store)).toEqual({ deleted: 3 });
      expect(await count(store, 'audit_events')).toBe(2);
    });

    it('keeps open commands whatever their age', async () => {
      await insertCommand(store, devicePk, 'queued', 300);
      await insertCommand(store, devicePk, 'sent', 300);
      await insertCommand(store, devicePk, 'confirmed', 300);
      await insertCommand(store, devicePk, 'failed', 100);
      await insertCommand(store, devicePk, 'expired', 91);
      await insertCommand(store, devicePk, 'cancelled', 95);
      await insertCommand(store, devicePk, 'confirmed', 10);

      expect(await runJob('purge-finished-commands', store)).toEqual({ deleted: 4 });
      const left = await store.db.selectFrom('commands').select('state').orderBy('state').execute();
      expect(left.map((row) => row.state)).toEqual(['confirmed', 'queued', 'sent']);
    });

    it('keeps a running sync run', async () => {
      await insertSyncRun(store, 'succeeded', 40);
      await insertSyncRun(store, 'failed', 31);
      await insertSyncRun(store, 'running', 40);
      await insertSyncRun(store, 'succeeded', 2);

      expect(await runJob('purge-sync-runs', store)).toEqual({ deleted: 2 });
      expect(await count(store, 'dhis2_sync_runs')).toBe(2);
    });

    it('deletes old bulk jobs with their results', async () => {
      const old = await insertBulkJob(store, 'completed', 100, 7);
      const oldCancelled = await insertBulkJob(store, 'cancelled', 95, 2);
      const running = await insertBulkJob(store, 'running', 200, 2);
      const recent = await insertBulkJob(store, 'completed', 10, 2);

      // 7 + 2 result rows and 2 job rows, in batches of three.
      expect(await runJob('purge-bulk-jobs', store)).toEqual({ deleted: 11 });
      const jobs = await store.db.selectFrom('bulk_jobs').select('id').execute();
      expect(jobs.map((row) => row.id).sort()).toEqual([running, recent].sort());
      const results = await store.db.selectFrom('bulk_job_devices').select('job_id').execute();
      expect(results.filter((row) => row.job_id === old || row.job_id === oldCancelled)).toEqual([]);
      expect(results.length).toBe(4);
    });

    it('stops when its lease is lost', async () => {
      await insertLogs(store, devicePk, [50, 51, 52, 53, 54, 55, 56, 57]);
      const lost = new AbortController();
      lost.abort();

      expect(await runJob('purge-device-logs', store, lost.signal)).toEqual({ deleted: 0 });
      expect(await count(store, 'device_logs')).toBe(10);
    });
  });
}
