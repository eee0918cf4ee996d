import type { AppContext } from '../context.js';
import { advanceRolloutsJob } from './advance-rollouts.js';
import { dhis2SyncJob } from './dhis2-sync.js';
import { expireCommandsJob } from './expire-commands.js';
import type { ScheduledJob } from './job.js';
import { processBulkJobsJob } from './process-bulk-jobs.js';
import { purgeListSnapshotsJob } from './purge-list-snapshots.js';
import { purgeOrphanBlobsJob } from './purge-orphan-blobs.js';
import { retentionPurgeJobs } from './purge-retention.js';
import { purgeExpiredSessionsJob } from './purge-sessions.js';

/** Returns the jobs that need only the store, each at its default interval. */
export function defaultJobs(): ScheduledJob[] {
  return [purgeExpiredSessionsJob(), purgeListSnapshotsJob(), expireCommandsJob(), ...retentionPurgeJobs()];
}

/** Returns every job an Outpost process schedules, including those that wake phones. */
export function serverJobs(ctx: AppContext): ScheduledJob[] {
  return [...defaultJobs(), advanceRolloutsJob(ctx), processBulkJobsJob(ctx), dhis2SyncJob(ctx), purgeOrphanBlobsJob(ctx.blobs)];
}
