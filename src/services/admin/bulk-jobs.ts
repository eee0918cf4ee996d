import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { COMMAND_SPECS, type CommandType } from '../../domain/command-catalog.js';
import { commandPayload, type CommandParameters } from '../../domain/command-payload.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor, TimeIdCursorSchema } from '../../domain/list-cursor.js';
import { newId } from '../../store/ids.js';
import type { BulkJobDeviceState } from '../../store/schema.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { toBulkJobView, type BulkJobView } from './bulk-view.js';
import { confirmDangerousCommand, type DangerConfirmation } from './command-confirmation.js';
import { deviceScopeFilter } from './device-scope.js';
import { selectDevicePks, type DeviceSelectionFilters } from './device-list.js';

/**
 * Most devices one bulk job may select. Larger fleets are acted on in
 * several jobs, e.g. one per district, which also keeps a mistake small.
 */
export const MAX_BULK_DEVICES = 10_000;

/** The devices of a bulk job: the device list's filters, or explicit record ids. */
export interface BulkSelection {
  filters?: DeviceSelectionFilters;
  deviceIds?: string[];
}

export interface BulkJobInput extends CommandParameters {
  type: CommandType;
  selection: BulkSelection;
  expiresInHours?: number;
  /** Re-entered password and typed device count; required for a bulk wipe. */
  confirmation?: DangerConfirmation;
}

/**
 * Starts a bulk job: selects the devices now and stores one pending row
 * per device, which the bulk-job processor then works through in the
 * background. A bulk wipe needs the admin role, the re-entered password
 * and the typed number of selected devices.
 */
export async function startBulkJob(ctx: AppContext, caller: Caller, input: BulkJobInput): Promise<BulkJobView> {
  const spec = COMMAND_SPECS[input.type];
  if (spec.bulkRole === null) {
    throw new InvalidInputError(`A ${input.type} cannot be sent to many devices at once; send it to each device.`, 'body.type');
  }
  requireRole(caller, spec.bulkRole);

  const { type, selection, expiresInHours, confirmation, ...parameters } = input;
  const payload = commandPayload(type, parameters);
  const devicePks = await resolveSelection(ctx, caller, selection);

  if (type === 'wipe') {
    await confirmDangerousCommand(ctx, caller, { kind: 'bulk', type, deviceCount: devicePks.length }, confirmation);
  }

  const id = newId();
  const now = ctx.now();
  await ctx.store.bulkJobs.create(
    { id, commandType: type, payload, selection, expiresInHours: expiresInHours ?? null, createdBy: caller.username, devicePks },
    now,
  );
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'bulk_job.started',
      targetType: 'bulk_job',
      targetId: id,
      details: { type, devices: devicePks.length, selection, expiresInHours: expiresInHours ?? null },
    },
    now,
  );
  ctx.logger.info({ bulkJobId: id, type, devices: devicePks.length, user: caller.username }, 'bulk job started');
  return getBulkJob(ctx, caller, id);
}

/**
 * Returns how many devices a selection contains now, for the typed count
 * of a bulk wipe and for the console's confirmation dialog.
 */
export async function previewSelection(ctx: AppContext, caller: Caller, selection: BulkSelection): Promise<{ devices: number }> {
  requireRole(caller, 'operator');
  return { devices: (await resolveSelection(ctx, caller, selection)).length };
}

async function resolveSelection(ctx: AppContext, caller: Caller, selection: BulkSelection): Promise<string[]> {
  const hasFilters = selection.filters !== undefined;
  const hasIds = selection.deviceIds !== undefined;
  if (hasFilters === hasIds) {
    throw new InvalidInputError('Give either filters or deviceIds in selection, not both and not neither.', 'body.selection');
  }

  if (selection.deviceIds !== undefined) {
    const unique = [...new Set(selection.deviceIds)];
    if (unique.length > MAX_BULK_DEVICES) {
      throw new InvalidInputError(`Select at most ${MAX_BULK_DEVICES} devices; ${unique.length} were given.`, 'body.selection.deviceIds');
    }
    const found = new Set(await ctx.store.bulkJobs.existingDevicePks(unique, deviceScopeFilter(caller)));
    const missing = selection.deviceIds.findIndex((pk) => !found.has(pk));
    if (missing >= 0) {
      throw new NotFoundError(
        `Device ${selection.deviceIds[missing]} was not found. Take the ids from the device list.`,
        `body.selection.deviceIds.${missing}`,
      );
    }
    return nonEmpty(unique);
  }

  const pks = await selectDevicePks(ctx, caller, selection.filters ?? {}, MAX_BULK_DEVICES + 1);
  if (pks.length > MAX_BULK_DEVICES) {
    throw new InvalidInputError(
      `The filters match more than ${MAX_BULK_DEVICES} devices. Narrow them, e.g. to one org unit, and start one job per part.`,
      'body.selection.filters',
    );
  }
  return nonEmpty(pks);
}

function nonEmpty(pks: string[]): string[] {
  if (pks.length === 0) throw new InvalidInputError('The selection contains no device; change the filters or ids.', 'body.selection');
  return pks;
}

/**
 * Returns a job with its progress and the states of the commands it queued.
 * A user limited to org units can read only the jobs they started, because a
 * job's results name devices of every unit it selected.
 */
export async function getBulkJob(ctx: AppContext, caller: Caller, id: string): Promise<BulkJobView> {
  requireRole(caller, 'viewer');
  const job = await findVisibleJob(ctx, caller, id);

  return toBulkJobView(job, await ctx.store.commands.countByBulkJob(id), await ctx.store.bulkJobs.countByState(id));
}

/** Lists bulk jobs, newest first, a page at a time. */
export async function listBulkJobs(
  ctx: AppContext,
  caller: Caller,
  query: { limit?: number; cursor?: string },
): Promise<{ items: BulkJobView[]; nextCursor: string | null }> {
  requireRole(caller, 'viewer');
  const limit = query.limit ?? 20;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(TimeIdCursorSchema, query.cursor);
  const createdBy = deviceScopeFilter(caller) === null ? undefined : caller.username;
  const rows = await ctx.store.bulkJobs.list(limit + 1, cursor ? { createdAt: cursor.at, id: cursor.id } : undefined, createdBy);

  const page = rows.slice(0, limit);
  const items: BulkJobView[] = [];
  for (const job of page) {
    items.push(toBulkJobView(job, await ctx.store.commands.countByBulkJob(job.id), await ctx.store.bulkJobs.countByState(job.id)));
  }
  const last = page.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null };
}

/**
 * Cancels a job: devices not yet reached are left out, and the job's
 * commands that have not reached their device, or that the device has not
 * confirmed, are cancelled. The devices are woken so their next
 * configuration drops the cancelled flags.
 */
export async function cancelBulkJob(ctx: AppContext, caller: Caller, id: string): Promise<BulkJobView> {
  requireRole(caller, 'operator');
  const job = await findVisibleJob(ctx, caller, id);
  requireRole(caller, COMMAND_SPECS[job.command_type as CommandType]?.bulkRole ?? 'admin');

  const now = ctx.now();
  const leftOut = await ctx.store.bulkJobs.cancel(id, caller.username, now);
  if (leftOut === null) throw new ConflictError('bulk_job_finished', `Bulk job ${id} is ${job.state} and can no longer be cancelled.`, 'params.id');

  const woken = await ctx.store.commands.cancelOpenOfBulkJob(id, now);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'bulk_job.cancelled',
      targetType: 'bulk_job',
      targetId: id,
      details: { type: job.command_type, devicesLeftOut: leftOut, commandsCancelled: woken.length },
    },
    now,
  );
  ctx.logger.info({ bulkJobId: id, devicesLeftOut: leftOut, commandsCancelled: woken.length }, 'bulk job cancelled');
  notifyConfigChanged(ctx, woken);
  return getBulkJob(ctx, caller, id);
}

/** Lists a job's devices and their results in processing order. */
export async function listBulkJobDevices(
  ctx: AppContext,
  caller: Caller,
  id: string,
  query: { limit?: number; after?: number; state?: BulkJobDeviceState },
) {
  requireRole(caller, 'viewer');
  await findVisibleJob(ctx, caller, id);

  const limit = query.limit ?? 100;
  const rows = await ctx.store.bulkJobs.listDevices(id, { afterPosition: query.after ?? 0, limit: limit + 1, state: query.state });
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({
      position: row.position,
      id: row.device_pk,
      deviceId: row.device_id,
      state: row.state,
      commandId: row.command_id,
      commandState: row.command_state,
      detail: row.detail,
      updatedAt: row.updated_at,
    })),
    nextAfter: rows.length > limit ? (page.at(-1)?.position ?? null) : null,
  };
}

/** Loads a job the caller may see; another user's job is not found for a user limited to org units. */
async function findVisibleJob(ctx: AppContext, caller: Caller, id: string) {
  const job = await ctx.store.bulkJobs.findById(id);
  const visible = job !== undefined && (deviceScopeFilter(caller) === null || job.created_by === caller.username);
  if (!job || !visible) throw new NotFoundError(`Bulk job ${id} was not found.`, 'params.id');
  return job;
}
