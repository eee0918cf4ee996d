import { randomUUID } from 'node:crypto';
import os from 'node:os';

import type { Logger } from 'pino';

import type { Store } from '../store/store.js';
import type { JobOutcome, ScheduledJob } from './job.js';
import { JobLeases } from './lease.js';

// A running job renews its lease this many times per lease length, so a
// renewal can be late or fail twice before another process may take over.
const RENEWALS_PER_LEASE = 3;

/** Result of one runJob call. */
export type JobRunResult = 'ran' | 'skipped' | 'failed';

export interface JobSchedulerOptions {
  store: Store;
  logger: Logger;
  jobs: readonly ScheduledJob[];
  /** Id this process stores in the leases it holds; unique per scheduler by default. */
  holder?: string;
  /** Clock for leases and runs, in milliseconds since the epoch. */
  now?: () => number;
}

/**
 * Runs each job every `intervalMs`, in whichever process of those sharing
 * the database takes the job's lease first. A run holds the lease for one
 * interval and renews it while it lasts, so the job runs once per interval
 * across processes. A process that stops or crashes leaves its leases to
 * expire, and another process takes over within one interval.
 *
 * @example
 * const scheduler = new JobScheduler({ store, logger, jobs: defaultJobs() });
 * scheduler.start();
 * await scheduler.stop();
 */
export class JobScheduler {
  readonly holder: string;
  private readonly leases: JobLeases;
  private readonly jobs: ReadonlyMap<string, ScheduledJob>;
  private readonly now: () => number;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<JobRunResult>>();
  private stopping = new AbortController();
  private started = false;

  constructor(private readonly options: JobSchedulerOptions) {
    this.holder = options.holder ?? `${os.hostname()}:${process.pid}:${randomUUID()}`;
    this.leases = new JobLeases(options.store.db);
    this.jobs = new Map(options.jobs.map((job) => [job.name, job]));
    this.now = options.now ?? Date.now;

    if (this.jobs.size !== options.jobs.length) throw new Error('Two scheduled jobs have the same name');
  }

  /** Runs every job once now, then each again `intervalMs` after its previous run ended. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = new AbortController();

    for (const job of this.jobs.values()) this.scheduleNext(job, 0);
    this.options.logger.info({ holder: this.holder, jobs: [...this.jobs.keys()] }, 'job scheduler started');
  }

  /** Stops scheduling, aborts the signal of running jobs and waits for them to end. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;

    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.stopping.abort();
    await Promise.allSettled([...this.running.values()]);
    this.options.logger.info({ holder: this.holder }, 'job scheduler stopped');
  }

  /**
   * Runs the named job now if this process can take its lease. Returns
   * 'skipped' when another process holds the lease or the job is already
   * running here, and 'failed' after logging an error.
   */
  async runJob(name: string): Promise<JobRunResult> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No scheduled job named "${name}"; known jobs: ${[...this.jobs.keys()].join(', ')}`);
    if (this.running.has(name)) return 'skipped';

    const run = this.runLeased(job).finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  private scheduleNext(job: ScheduledJob, delayMs: number): void {
    clearTimeout(this.timers.get(job.name));
    const timer = setTimeout(() => {
      this.timers.delete(job.name);
      void this.runJob(job.name).then(() => {
        if (this.started) this.scheduleNext(job, job.intervalMs);
      });
    }, delayMs);

    // Timers alone never keep the process alive; the server does.
    timer.unref();
    this.timers.set(job.name, timer);
  }

  private async runLeased(job: ScheduledJob): Promise<JobRunResult> {
    const logger = this.options.logger;
    const startedAt = this.now();

    let leaseTaken: boolean;
    try {
      leaseTaken = await this.leases.acquire(job.name, this.holder, job.intervalMs, startedAt);
    } catch (error) {
      logger.error({ err: error, job: job.name, holder: this.holder }, 'job lease acquisition failed');
      return 'failed';
    }
    if (!leaseTaken) return 'skipped';

    const lost = new AbortController();
    const signal = AbortSignal.any([lost.signal, this.stopping.signal]);
    const renewal = setInterval(() => void this.renew(job, lost), job.intervalMs / RENEWALS_PER_LEASE);

    try {
      const outcome = await job.run({ store: this.options.store, logger, now: startedAt, signal });
      this.logOutcome(job, outcome, this.now() - startedAt);
      return 'ran';
    } catch (error) {
      logger.error({ err: error, job: job.name, holder: this.holder }, 'job failed');
      return 'failed';
    } finally {
      clearInterval(renewal);
    }
  }

  private async renew(job: ScheduledJob, lost: AbortController): Promise<void> {
    if (lost.signal.aborted) return;

    try {
      if (await this.leases.renew(job.name, this.holder, job.intervalMs, this.now())) return;
      this.options.logger.warn({ job: job.name, holder: this.holder }, 'job lease lost while the job was running');
      lost.abort();
    } catch (error) {
      // The next renewal retries; the lease lasts RENEWALS_PER_LEASE renewal periods.
      this.options.logger.warn({ err: error, job: job.name, holder: this.holder }, 'job lease renewal failed');
    }
  }

  /** Logs a run that changed something at info level and an idle run at debug level, so idle runs stay quiet. */
  private logOutcome(job: ScheduledJob, outcome: JobOutcome, durationMs: number): void {
    const fields = { job: job.name, durationMs, ...outcome };
    const changed = Object.values(outcome).some((count) => count > 0);

    if (changed) this.options.logger.info(fields, 'job finished');
    else this.options.logger.debug(fields, 'job finished');
  }
}
