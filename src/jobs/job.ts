import type { Logger } from 'pino';

import type { Store } from '../store/store.js';

/** Context the scheduler passes to each job run. */
export interface JobRunContext {
  store: Store;
  logger: Logger;
  /** Start time of this run in milliseconds since the epoch, from the scheduler's clock. */
  now: number;
  /** Aborts when this process loses the job's lease or the scheduler stops. */
  signal: AbortSignal;
}

/** Counts of what a run changed, by name, e.g. `{ deleted: 12 }`; logged by the scheduler. */
export type JobOutcome = Readonly<Record<string, number>>;

/** A named task the scheduler runs every `intervalMs`, in one process of all that share the database. */
export interface ScheduledJob {
  /** Unique name; also the name of the job's lease. */
  readonly name: string;
  /** Time between runs across all processes, in milliseconds; also the length of the lease each run takes. */
  readonly intervalMs: number;
  run(context: JobRunContext): Promise<JobOutcome>;
}
