import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import { readRetentionSettings, type RetentionKind } from '../services/admin/retention.js';
import type { Store } from '../store/store.js';
import type { JobRunContext, ScheduledJob } from './job.js';

const DAY_MS = 24 * 60 * 60_000;
// Records past their retention only cost space, so an hourly purge is enough.
const PURGE_INTERVAL_MS = 60 * 60_000;
// A batch of 1,000 rows is a short transaction (by estimate a few
// milliseconds on SQLite), so device reports that wait for the write lock
// are held up briefly.
export const PURGE_BATCH_SIZE = 1000;
// Locations are deleted through LocationRepository.deleteOlderThan, one
// statement per call, so the purge moves its cutoff an hour at a time:
// 1,000 phones reporting every 15 minutes store 4,000 fixes an hour.
const LOCATION_SLICE_MS = 60 * 60_000;

type BatchDelete = (store: Store, cutoff: number, batchSize: number) => Promise<number>;

const BATCH_DELETES: Record<Exclude<RetentionKind, 'locationDays'>, BatchDelete> = {
  deviceLogDays: (store, cutoff, size) => store.retention.deleteDeviceLogsBefore(cutoff, size),
  auditEventDays: (store, cutoff, size) => store.retention.deleteAuditEventsBefore(cutoff, size),
  finishedCommandDays: (store, cutoff, size) => store.retention.deleteFinishedCommandsBefore(cutoff, size),
  syncRunDays: (store, cutoff, size) => store.retention.deleteFinishedSyncRunsBefore(cutoff, size),
  bulkJobDays: (store, cutoff, size) => store.retention.deleteFinishedBulkJobsBefore(cutoff, size),
};

const JOB_NAMES: Record<RetentionKind, string> = {
  locationDays: 'purge-locations',
  deviceLogDays: 'purge-device-logs',
  auditEventDays: 'purge-audit-events',
  finishedCommandDays: 'purge-finished-commands',
  syncRunDays: 'purge-sync-runs',
  bulkJobDays: 'purge-bulk-jobs',
};

/** Returns one purge job per kind of record in the retention settings. */
export function retentionPurgeJobs(intervalMs = PURGE_INTERVAL_MS, batchSize = PURGE_BATCH_SIZE): ScheduledJob[] {
  return (Object.keys(JOB_NAMES) as RetentionKind[]).map((kind) => ({
    name: JOB_NAMES[kind],
    intervalMs,
    async run(context) {
      const settings = await readRetentionSettings(context.store);
      const cutoff = context.now - settings[kind] * DAY_MS;
      const deleted = kind === 'locationDays' ? await purgeLocations(context, cutoff) : await purgeInBatches(context, BATCH_DELETES[kind], cutoff, batchSize);
      return { deleted };
    },
  }));
}

/**
 * Deletes batch after batch until one comes back short, or the job loses
 * its lease. Yielding between batches lets queued requests run.
 */
async function purgeInBatches(context: JobRunContext, deleteBatch: BatchDelete, cutoff: number, batchSize: number): Promise<number> {
  let total = 0;
  while (!context.signal.aborted) {
    const deleted = await deleteBatch(context.store, cutoff, batchSize);
    total += deleted;
    if (deleted < batchSize) break;
    await yieldToEventLoop();
  }
  return total;
}

/**
 * Deletes fixes taken before `cutoff`, at most an hour of fixes per
 * statement, oldest first. Each slice starts at the oldest fix left, so
 * years without fixes (a phone whose clock was wrong) cost no statements.
 */
async function purgeLocations(context: JobRunContext, cutoff: number): Promise<number> {
  let total = 0;
  while (!context.signal.aborted) {
    const oldest = await context.store.retention.oldestLocationTakenAt();
    if (oldest === null || oldest >= cutoff) break;

    total += await context.store.locations.deleteOlderThan(Math.min(oldest + LOCATION_SLICE_MS, cutoff));
    await yieldToEventLoop();
  }
  return total;
}
