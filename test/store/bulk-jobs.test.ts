// The bulk-job repository and the command changes it relies on, against
// SQLite and PostgreSQL (a server when OUTPOST_TEST_DATABASE_URL is set,
// in-process PGlite otherwise).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { migrateToLatest } from '../../src/store/database.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DATABASE_BACKENDS } from '../support/database-backends.js';

const backends = DATABASE_BACKENDS;

const NOW = 1_760_000_000_000;

describe.each(backends)('bulk jobs on $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  // One migrated database per backend, emptied before each test: migrating
  // PGlite takes seconds.
  beforeAll(async () => {
    const opened = await backend.open();
    await migrateToLatest(opened.db);
    store = createStore(opened.db);
    cleanup = opened.cleanup;
  });

  afterAll(async () => {
    await cleanup();
  });

  beforeEach(async () => {
    await store.db.deleteFrom('commands').execute();
    await store.db.deleteFrom('bulk_jobs').execute();
    await store.db.deleteFrom('devices').execute();
    for (const id of ['d1', 'd2', 'd3']) {
      await store.db
        .insertInto('devices')
        .values({ id, device_id: `phone-${id}`, enrolment_generation: 1, enrolled_at: NOW, created_at: NOW, updated_at: NOW } as never)
        .execute();
    }
  });

  async function createJob(id = 'job-1', devicePks = ['d1', 'd2', 'd3']) {
    await store.bulkJobs.create(
      { id, commandType: 'lock', payload: { message: 'hi' }, selection: { deviceIds: devicePks }, expiresInHours: null, createdBy: 'ops', devicePks },
      NOW,
    );
  }

  it('stores one pending row per device in order', async () => {
    await createJob();

    expect(await store.bulkJobs.nextPending('job-1', 2)).toEqual([
      { device_pk: 'd1', position: 1 },
      { device_pk: 'd2', position: 2 },
    ]);
    expect((await store.bulkJobs.findById('job-1'))?.total).toBe(3);
    expect(await store.bulkJobs.countByState('job-1')).toEqual({ pending: 3 });
  });

  it('records a device outcome only once', async () => {
    await createJob();

    const first = await store.bulkJobs.recordOutcome('job-1', 'd1', { state: 'done', commandId: 'c1' }, NOW);
    const second = await store.bulkJobs.recordOutcome('job-1', 'd1', { state: 'done', commandId: 'c2' }, NOW);

    expect(first).toBe(true);
    expect(second).toBe(false);
    const job = await store.bulkJobs.findById('job-1');
    expect(job?.done).toBe(1);
    const rows = await store.bulkJobs.listDevices('job-1', { afterPosition: 0, limit: 10, state: 'done' });
    expect(rows.map((row) => row.command_id)).toEqual(['c1']);
  });

  it('rejects a second command of one job for one device', async () => {
    await createJob();
    await store.commands.insert({ devicePk: 'd1', generation: 1, type: 'lock', createdBy: 'ops', bulkJobId: 'job-1' }, NOW);

    await expect(
      store.commands.insert({ devicePk: 'd1', generation: 1, type: 'lock', createdBy: 'ops', bulkJobId: 'job-1' }, NOW),
    ).rejects.toThrow();
    await store.commands.insert({ devicePk: 'd1', generation: 1, type: 'lock', createdBy: 'ops' }, NOW);
    await store.commands.insert({ devicePk: 'd1', generation: 1, type: 'lock', createdBy: 'ops' }, NOW);
  });

  it('completes only when no device is pending', async () => {
    await createJob('job-1', ['d1']);
    await store.bulkJobs.markRunning('job-1', NOW);

    expect(await store.bulkJobs.completeIfDone('job-1', NOW)).toBe(false);
    await store.bulkJobs.recordOutcome('job-1', 'd1', { state: 'skipped', detail: 'device deleted' }, NOW);
    expect(await store.bulkJobs.completeIfDone('job-1', NOW)).toBe(true);
    expect((await store.bulkJobs.findById('job-1'))?.state).toBe('completed');
  });

  it('cancels pending devices and the open commands of the job', async () => {
    await createJob();
    const commandId = await store.commands.insert({ devicePk: 'd1', generation: 1, type: 'wipe', createdBy: 'ops', bulkJobId: 'job-1' }, NOW);
    await store.bulkJobs.recordOutcome('job-1', 'd1', { state: 'done', commandId }, NOW);
    await store.commands.markSent([commandId], NOW);

    expect(await store.bulkJobs.cancel('job-1', 'ops', NOW)).toBe(2);
    expect(await store.commands.cancelOpenOfBulkJob('job-1', NOW)).toEqual(['phone-d1']);
    expect((await store.commands.findById(commandId))?.state).toBe('cancelled');
    expect(await store.bulkJobs.cancel('job-1', 'ops', NOW)).toBeNull();
    expect(await store.commands.countByBulkJob('job-1')).toEqual({ cancelled: 1 });
  });

  it('clears a screen password once its command is final', async () => {
    const reset = await store.commands.insert({ devicePk: 'd2', generation: 1, type: 'passwordReset', payload: { password: '4321' }, createdBy: 'ops' }, NOW);
    const lock = await store.commands.insert({ devicePk: 'd2', generation: 1, type: 'lock', payload: { message: 'kept' }, createdBy: 'ops' }, NOW);

    await store.commands.expireOtherGenerations('d2', 2, NOW);

    expect((await store.commands.findById(reset))?.payload_json).toBeNull();
    expect((await store.commands.findById(lock))?.payload_json).toBe(JSON.stringify({ message: 'kept' }));
  });

  it('keeps sent push commands out of expiry', async () => {
    const message = await store.commands.insert({ devicePk: 'd3', generation: 1, type: 'message', payload: { text: 'x' }, createdBy: 'ops', expiresAt: NOW + 1 }, NOW);
    const reboot = await store.commands.insert({ devicePk: 'd3', generation: 1, type: 'reboot', createdBy: 'ops', expiresAt: NOW + 1 }, NOW);
    await store.commands.markSent([message, reboot], NOW);

    expect(await store.commands.expireOverdue(NOW + 2)).toBe(1);
    expect((await store.commands.findById(message))?.state).toBe('sent');
    expect((await store.commands.findById(reboot))?.state).toBe('expired');
  });

  it('finds existing devices within a scope', async () => {
    expect(await store.bulkJobs.existingDevicePks(['d3', 'missing', 'd1'], null)).toEqual(['d3', 'd1']);
    expect(await store.bulkJobs.existingDevicePks(['d1'], { paths: [] })).toEqual([]);
  });
});
