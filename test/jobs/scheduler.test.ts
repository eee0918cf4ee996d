import { Writable } from 'node:stream';

import pino, { type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { JobRunContext, ScheduledJob } from '../../src/jobs/job.js';
import { JobScheduler } from '../../src/jobs/scheduler.js';
import { openDatabase } from '../../src/store/database.js';
import { createStore } from '../../src/store/store.js';
import { BACKENDS, type SharedDatabase } from './backends.js';

const NOW = 1_764_800_000_000;
const INTERVAL_MS = 60_000;

interface LogLine {
  level: number;
  msg: string;
  job?: string;
  [field: string]: unknown;
}

/** Returns a debug-level logger that keeps every line it writes. */
function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A job that counts its runs and returns `deleted: 0`. */
function countingJob(name: string, intervalMs = INTERVAL_MS, body?: (context: JobRunContext) => Promise<void>) {
  const runs: JobRunContext[] = [];
  const job: ScheduledJob = {
    name,
    intervalMs,
    async run(context) {
      runs.push(context);
      await body?.(context);
      return { deleted: 0 };
    },
  };
  return { job, runs };
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const backend of BACKENDS) {
  describe(`job scheduler on ${backend.name}`, () => {
    let database: SharedDatabase;
    const schedulers: JobScheduler[] = [];

    /** Creates a scheduler standing for one process, on its own database handle. */
    function scheduler(handle: 'first' | 'second', jobs: ScheduledJob[], now: () => number, logger?: Logger) {
      const created = new JobScheduler({
        store: createStore(database[handle]),
        logger: logger ?? pino({ level: 'silent' }),
        jobs,
        holder: `process-${handle}`,
        now,
      });
      schedulers.push(created);
      return created;
    }

    beforeAll(async () => {
      database = await backend.open();
    });

    afterEach(async () => {
      await Promise.all(schedulers.splice(0).map((created) => created.stop()));
    });

    afterAll(async () => {
      await database?.cleanup();
    });

    it('runs a job in one of two processes', async () => {
      let now = NOW;
      const a = countingJob('once');
      const b = countingJob('once');
      const processA = scheduler('first', [a.job], () => now);
      const processB = scheduler('second', [b.job], () => now);

      expect(await processA.runJob('once')).toBe('ran');
      now += 1_000;
      expect(await processB.runJob('once')).toBe('skipped');

      expect(a.runs).toHaveLength(1);
      expect(b.runs).toHaveLength(0);
      expect(a.runs[0]?.now).toBe(NOW);
    });

    it('lets another process run after the interval', async () => {
      let now = NOW;
      const a = countingJob('takeover');
      const b = countingJob('takeover');
      const processA = scheduler('first', [a.job], () => now);
      const processB = scheduler('second', [b.job], () => now);

      expect(await processA.runJob('takeover')).toBe('ran');
      now += INTERVAL_MS;

      expect(await processB.runJob('takeover')).toBe('ran');
      expect(await processA.runJob('takeover')).toBe('skipped');
      expect(b.runs).toHaveLength(1);
    });

    it('runs again in the process that holds the lease', async () => {
      let now = NOW;
      const a = countingJob('repeat');
      const processA = scheduler('first', [a.job], () => now);

      expect(await processA.runJob('repeat')).toBe('ran');
      now += 1;

      expect(await processA.runJob('repeat')).toBe('ran');
      expect(a.runs).toHaveLength(2);
    });

    it('logs a failed job with its name', async () => {
      const { logger, lines } = capturingLogger();
      const failing: ScheduledJob = {
        name: 'failing',
        intervalMs: INTERVAL_MS,
        async run() {
          throw new Error('disk full');
        },
      };
      const processA = scheduler('first', [failing], () => NOW, logger);

      expect(await processA.runJob('failing')).toBe('failed');

      const logged = lines.find((line) => line.msg === 'job failed');
      expect(logged?.job).toBe('failing');
      expect(logged?.holder).toBe('process-first');
      expect((logged?.err as { message: string } | undefined)?.message).toBe('disk full');
    });

    it('fails without a lease table', async () => {
      const { logger, lines } = capturingLogger();
      const unmigrated = openDatabase(':memory:');
      const counting = countingJob('no-table');
      const processA = new JobScheduler({ store: createStore(unmigrated), logger, jobs: [counting.job], holder: 'process-first' });

      try {
        expect(await processA.runJob('no-table')).toBe('failed');
      } finally {
        await unmigrated.destroy();
      }

      expect(counting.runs).toHaveLength(0);
      const logged = lines.find((line) => line.msg === 'job lease acquisition failed');
      expect(logged?.job).toBe('no-table');
      expect(logged?.err).toBeDefined();
    });

    it('logs idle runs at debug and changes at info', async () => {
      const { logger, lines } = capturingLogger();
      const changing: ScheduledJob = { name: 'changing', intervalMs: INTERVAL_MS, run: async () => ({ deleted: 3 }) };
      const idle = countingJob('idle');
      const processA = scheduler('first', [changing, idle.job], () => NOW, logger);

      await processA.runJob('changing');
      await processA.runJob('idle');

      const finished = lines.filter((line) => line.msg === 'job finished');
      expect(finished.map((line) => [line.job, line.level])).toEqual([
        ['changing', 30],
        ['idle', 20],
      ]);
      expect(finished[0]?.deleted).toBe(3);
    });

    it('rejects an unknown job name', async () => {
      const processA = scheduler('first', [countingJob('known').job], () => NOW);

      await expect(processA.runJob('unknown')).rejects.toThrow('No scheduled job named "unknown"; known jobs: known');
    });

    it('rejects two jobs with one name', () => {
      expect(() => scheduler('first', [countingJob('twice').job, countingJob('twice').job], () => NOW)).toThrow(
        'Two scheduled jobs have the same name',
      );
    });

    it('runs at start and every interval until stopped', async () => {
      const ticking = countingJob('ticking', 40);
      const processA = scheduler('first', [ticking.job], Date.now);

      processA.start();
      await waitUntil(() => ticking.runs.length >= 3, 2_000, 'the job ran three times');
      await processA.stop();
      const runsAtStop = ticking.runs.length;
      await new Promise((resolve) => setTimeout(resolve, 120));

      expect(ticking.runs.length).toBe(runsAtStop);
    });

    it('keeps the lease of a job that outlasts its interval', async () => {
      // Renewals come every 200 ms and the lease lasts 600 ms, so two late or
      // missed renewals on a busy test machine still keep it.
      const intervalMs = 600;
      let finish: () => void = () => {};
      const slow = countingJob('slow', intervalMs, () => new Promise<void>((resolve) => (finish = resolve)));
      const other = countingJob('slow', intervalMs);
      const processA = scheduler('first', [slow.job], Date.now);
      const processB = scheduler('second', [other.job], Date.now);

      const running = processA.runJob('slow');
      await waitUntil(() => slow.runs.length === 1, 2_000, 'the slow job started');
      await new Promise((resolve) => setTimeout(resolve, intervalMs * 1.5));

      expect(await processB.runJob('slow')).toBe('skipped');
      finish();
      expect(await running).toBe('ran');
      expect(other.runs).toHaveLength(0);
    });

    it('aborts the signal of a job whose lease is lost', async () => {
      const { logger, lines } = capturingLogger();
      const waiting = countingJob('stolen', 60, (context) => new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve())));
      const processA = scheduler('first', [waiting.job], Date.now, logger);

      const running = processA.runJob('stolen');
      await waitUntil(() => waiting.runs.length === 1, 2_000, 'the job started');
      await database.second.updateTable('job_leases').set({ holder: 'process-thief' }).where('name', '=', 'stolen').execute();

      expect(await running).toBe('ran');
      expect(waiting.runs[0]?.signal.aborted).toBe(true);
      expect(lines.some((line) => line.msg === 'job lease lost while the job was running' && line.job === 'stolen')).toBe(true);
    });

    it('waits for a running job when stopped', async () => {
      let finished = false;
      const slow = countingJob('stopping', INTERVAL_MS, async (context) => {
        await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
        finished = true;
      });
      const processA = scheduler('first', [slow.job], Date.now);

      processA.start();
      await waitUntil(() => slow.runs.length === 1, 2_000, 'the job started');
      await processA.stop();

      expect(finished).toBe(true);
    });
  });
}
