import type { AppContext } from '../../context.js';
import { COMMAND_SPECS, type CommandType } from '../../domain/command-catalog.js';
import type { BulkDeviceOutcome } from '../../store/repositories/bulk-jobs.js';
import { createStore, type Store } from '../../store/store.js';
import type { BulkJobRow, CommandRow } from '../../store/schema.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { sendPushCommands } from '../agent/push-commands.js';

// Devices per transaction. Each device's command and its job row are
// written in the same transaction, so a crash loses or repeats no device.
// Batches of 50 keep each transaction short, and with it the write lock
// SQLite holds, which blocks phones' reports meanwhile.
const BATCH_SIZE = 50;

// Pause between batches: at most 500 devices a second are woken, so a job
// over 10,000 phones spreads their configuration fetches over 20 seconds
// instead of one burst.
const BATCH_PAUSE_MS = 100;

/** Thrown inside a batch transaction when a row stopped being pending, to roll the batch back. */
class RowNoLongerPending extends Error {}

/**
 * Works through every queued or running bulk job until each is done, the
 * signal aborts (lease lost or shutdown) or a job is cancelled. Returns
 * how many devices it handled and how many jobs it completed.
 */
export async function processBulkJobs(ctx: AppContext, signal: AbortSignal): Promise<{ devices: number; completed: number }> {
  const outcome = { devices: 0, completed: 0 };

  for (const job of await ctx.store.bulkJobs.listUnfinished()) {
    if (signal.aborted) break;
    await ctx.store.bulkJobs.markRunning(job.id, ctx.now());

    while (!signal.aborted) {
      const current = await ctx.store.bulkJobs.findById(job.id);
      if (current?.state !== 'running') break;

      const batch = await ctx.store.bulkJobs.nextPending(job.id, BATCH_SIZE);
      if (batch.length === 0) {
        if (await completeJob(ctx, current)) outcome.completed += 1;
        break;
      }

      outcome.devices += await processBatch(ctx, current, batch.map((row) => row.device_pk));
      await sleep(BATCH_PAUSE_MS, signal);
    }
  }
  return outcome;
}

/**
 * Queues the job's command for each device of the batch and marks the
 * devices done, in one transaction, then wakes the devices. Returns how
 * many devices it handled; 0 when the job was cancelled meanwhile.
 */
async function processBatch(ctx: AppContext, job: BulkJobRow, devicePks: string[]): Promise<number> {
  const type = job.command_type as CommandType;
  let queued: Array<{ deviceId: string; command: CommandRow | null }>;

  try {
    queued = await ctx.store.db.transaction().execute((trx) => queueBatch(ctx, createStore(trx), job, devicePks));
  } catch (error) {
    if (error instanceof RowNoLongerPending) return 0;
    return retryOneByOne(ctx, job, devicePks, error);
  }

  // NOTE: a crash between the commit above and these wake-ups loses the
  // wake-up only: the device still gets the command at its next sync, at
  // most an hour later, and push commands are sent again then.
  if (COMMAND_SPECS[type].delivery === 'push') {
    for (const entry of queued) {
      if (entry.command) await sendPushCommands(ctx, entry.deviceId, [entry.command]);
    }
  } else {
    notifyConfigChanged(ctx, queued.map((entry) => entry.deviceId));
  }
  return devicePks.length;
}

/**
 * Handles a failed batch device by device, so one device whose step keeps
 * failing is marked failed instead of stopping the whole job.
 */
async function retryOneByOne(ctx: AppContext, job: BulkJobRow, devicePks: string[], error: unknown): Promise<number> {
  if (devicePks.length > 1) {
    ctx.logger.warn({ err: error, bulkJobId: job.id }, 'bulk job batch failed; retrying its devices one by one');
    let handled = 0;
    for (const devicePk of devicePks) handled += await processBatch(ctx, job, [devicePk]);
    return handled;
  }

  const devicePk = devicePks[0] ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  ctx.logger.error({ err: error, bulkJobId: job.id, devicePk }, 'bulk job step failed for a device');
  await ctx.store.bulkJobs.recordOutcome(job.id, devicePk, { state: 'failed', detail }, ctx.now());
  return 1;
}

async function queueBatch(ctx: AppContext, store: Store, job: BulkJobRow, devicePks: string[]) {
  const now = ctx.now();
  const type = job.command_type as CommandType;
  const payload = job.payload_json === null ? undefined : (JSON.parse(job.payload_json) as unknown);
  const expiresAt = job.expires_in_hours === null ? null : now + job.expires_in_hours * 3_600_000;
  const queued: Array<{ deviceId: string; command: CommandRow | null }> = [];
  const devices = await store.bulkJobs.loadDevices(devicePks);

  for (const devicePk of devicePks) {
    const device = devices.get(devicePk);
    if (!device) {
      await recordOrRollBack(store, job.id, devicePk, { state: 'skipped', detail: 'device deleted' }, now);
      continue;
    }
    if (type === 'unlock' && device.lost_mode_since !== null) {
      await recordOrRollBack(store, job.id, devicePk, { state: 'skipped', detail: 'device in lost mode' }, now);
      continue;
    }

    if (type === 'unlock') await store.commands.transitionOpen(device.id, device.enrolment_generation, ['lock'], 'cancelled', now);
    const commandId = await store.commands.insert(
      { devicePk, generation: device.enrolment_generation, type, payload, createdBy: job.created_by, expiresAt, bulkJobId: job.id },
      now,
    );
    await recordOrRollBack(store, job.id, devicePk, { state: 'done', commandId }, now);

    if (type === 'wipe') {
      await store.audit.record(
        {
          actor: job.created_by,
          action: 'device.command.wipe',
          targetType: 'device',
          targetId: device.id,
          details: { deviceId: device.device_id, commandId, generation: device.enrolment_generation, bulkJobId: job.id },
        },
        now,
      );
    }

    // Only push commands need their row after the commit, to build the message.
    const command = COMMAND_SPECS[type].delivery === 'push' ? await store.commands.findById(commandId) : undefined;
    queued.push({ deviceId: device.device_id, command: command ?? null });
  }
  return queued;
}

async function recordOrRollBack(
  store: Store,
  jobId: string,
  devicePk: string,
  outcome: BulkDeviceOutcome,
  now: number,
): Promise<void> {
  if (!(await store.bulkJobs.recordOutcome(jobId, devicePk, outcome, now))) throw new RowNoLongerPending();
}

async function completeJob(ctx: AppContext, job: BulkJobRow): Promise<boolean> {
  const now = ctx.now();
  if (!(await ctx.store.bulkJobs.completeIfDone(job.id, now))) return false;

  const devices = await ctx.store.bulkJobs.countByState(job.id);
  await ctx.store.audit.record(
    { actor: 'system', action: 'bulk_job.completed', targetType: 'bulk_job', targetId: job.id, details: { type: job.command_type, devices } },
    now,
  );
  ctx.logger.info({ bulkJobId: job.id, type: job.command_type, ...devices }, 'bulk job completed');
  return true;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
