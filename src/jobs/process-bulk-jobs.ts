import type { AppContext } from '../context.js';
import { processBulkJobs } from '../services/admin/bulk-processing.js';
import type { ScheduledJob } from './job.js';

// A new bulk job starts within this time. It is also the lease length, so
// after a crash another process, or the restarted one, resumes the job
// within one interval. Renewals keep the lease while a long job runs.
const PROCESS_BULK_JOBS_INTERVAL_MS = 3_000;

/** Queues the commands of started bulk jobs, device by device, in one process at a time. */
export function processBulkJobsJob(ctx: AppContext, intervalMs = PROCESS_BULK_JOBS_INTERVAL_MS): ScheduledJob {
  return {
    name: 'process-bulk-jobs',
    intervalMs,
    async run({ signal }) {
      return processBulkJobs(ctx, signal);
    },
  };
}
