import type { ScheduledJob } from '../jobs/job.js';
import type { OutpostMetrics } from './registry.js';

/**
 * Wraps each job so its runs, failures, duration and last success are
 * counted. The scheduler logs a failure; the wrapper rethrows it unchanged.
 * Runs skipped because another process holds the lease never reach `run`,
 * so they are not counted.
 */
export function instrumentJobs(jobs: readonly ScheduledJob[], metrics: OutpostMetrics): ScheduledJob[] {
  return jobs.map((job) => ({
    name: job.name,
    intervalMs: job.intervalMs,
    async run(context) {
      const stopTimer = metrics.jobSeconds.startTimer({ job: job.name });
      try {
        const outcome = await job.run(context);
        metrics.jobRuns.inc({ job: job.name, outcome: 'succeeded' });
        metrics.jobLastSuccess.set({ job: job.name }, Date.now() / 1000);
        return outcome;
      } catch (error) {
        metrics.jobRuns.inc({ job: job.name, outcome: 'failed' });
        throw error;
      } finally {
        stopTimer();
      }
    },
  }));
}
