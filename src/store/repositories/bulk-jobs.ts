import type { Db } from '../database.js';
import { deviceInScope, type DeviceScopeFilter } from '../device-scope-filter.js';
import type { BulkJobDeviceRow, BulkJobDeviceState, BulkJobRow, DeviceRow } from '../schema.js';

// Rows per INSERT when a job's device list is stored. SQLite allows 32,766
// bound parameters per statement and each row binds six.
const INSERT_CHUNK = 500;

export interface NewBulkJob {
  id: string;
  commandType: string;
  payload: unknown;
  selection: unknown;
  expiresInHours: number | null;
  createdBy: string;
  devicePks: readonly string[];
}

export type BulkDeviceOutcome =
  | { state: 'done'; commandId: string }
  | { state: 'skipped' | 'failed'; detail: string };

/** Bulk jobs and the per-device rows that record their progress. */
export class BulkJobRepository {
  constructor(private readonly db: Db) {}

  /**
   * Returns which of the given record ids belong to devices that exist and
   * pass the scope filter, in the given order.
   */
  async existingDevicePks(devicePks: readonly string[], scope: DeviceScopeFilter): Promise<string[]> {
    const found = new Set<string>();
    for (let start = 0; start < devicePks.length; start += INSERT_CHUNK) {
      const chunk = devicePks.slice(start, start + INSERT_CHUNK);
      const rows = await this.db.selectFrom('devices').select('devices.id').where('devices.id', 'in', chunk).where(deviceInScope(scope)).execute();
      rows.forEach((row) => found.add(row.id));
    }
    return devicePks.filter((pk) => found.has(pk));
  }

  /** Loads the devices with the given record ids in one query; missing ones are absent from the map. */
  async loadDevices(devicePks: readonly string[]): Promise<Map<string, DeviceRow>> {
    if (devicePks.length === 0) return new Map();
    const rows = await this.db.selectFrom('devices').selectAll().where('id', 'in', [...devicePks]).execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Stores a queued job and one pending row per device, in one transaction. */
  async create(job: NewBulkJob, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('bulk_jobs')
        .values({
          id: job.id,
          command_type: job.commandType,
          payload_json: job.payload === undefined ? null : JSON.stringify(job.payload),
          selection_json: JSON.stringify(job.selection),
          state: 'queued',
          expires_in_hours: job.expiresInHours,
          total: job.devicePks.length,
          done: 0,
          skipped: 0,
          failed: 0,
          created_by: job.createdBy,
          created_at: now,
          started_at: null,
          finished_at: null,
          cancelled_by: null,
          updated_at: now,
        })
        .execute();

      for (let start = 0; start < job.devicePks.length; start += INSERT_CHUNK) {
        const chunk = job.devicePks.slice(start, start + INSERT_CHUNK);
        await trx
          .insertInto('bulk_job_devices')
          .values(
            chunk.map((devicePk, index) => ({
              job_id: job.id,
              device_pk: devicePk,
              position: start + index + 1,
              state: 'pending' as const,
              command_id: null,
              detail: null,
              updated_at: now,
            })),
          )
          .execute();
      }
    });
  }

  async findById(id: string): Promise<BulkJobRow | undefined> {
    return this.db.selectFrom('bulk_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Lists jobs newest first, continuing before the (created_at, id) of the cursor, optionally of one creator. */
  async list(limit: number, before?: { createdAt: number; id: string }, createdBy?: string): Promise<BulkJobRow[]> {
    let query = this.db.selectFrom('bulk_jobs').selectAll();
    if (createdBy !== undefined) query = query.where('created_by', '=', createdBy);
    if (before) {
      query = query.where((eb) =>
        eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
      );
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** Lists jobs that still have work, oldest first. */
  async listUnfinished(): Promise<BulkJobRow[]> {
    return this.db
      .selectFrom('bulk_jobs')
      .selectAll()
      .where('state', 'in', ['queued', 'running'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** Moves a queued job to running; a job in any other state is left alone. */
  async markRunning(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('bulk_jobs')
      .set({ state: 'running', started_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'queued')
      .execute();
  }

  /** Completes a running job that has no pending device; returns whether it did. */
  async completeIfDone(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('bulk_jobs')
      .set({ state: 'completed', finished_at: now, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('bulk_job_devices')
              .select('bulk_job_devices.device_pk')
              .where('bulk_job_devices.job_id', '=', id)
              .where('bulk_job_devices.state', '=', 'pending'),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Cancels a queued or running job and its pending devices. Returns the
   * number of devices it left out, or null when the job had already ended.
   */
  async cancel(id: string, cancelledBy: string, now: number): Promise<number | null> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('bulk_jobs')
        .set({ state: 'cancelled', cancelled_by: cancelledBy, finished_at: now, updated_at: now })
        .where('id', '=', id)
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return null;

      const left = await trx
        .updateTable('bulk_job_devices')
        .set({ state: 'cancelled', detail: 'job cancelled', updated_at: now })
        .where('job_id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(left.numUpdatedRows);
    });
  }

  /** Returns the next pending devices of a job in position order. */
  async nextPending(jobId: string, limit: number): Promise<Array<Pick<BulkJobDeviceRow, 'device_pk' | 'position'>>> {
    return this.db
      .selectFrom('bulk_job_devices')
      .select(['device_pk', 'position'])
      .where('job_id', '=', jobId)
      .where('state', '=', 'pending')
      .orderBy('position')
      .limit(limit)
      .execute();
  }

  /**
   * Records one device's result if its row is still pending, and counts it
   * on the job. Returns false when the row was no longer pending: then the
   * caller's transaction must roll back whatever it did for the device.
   */
  async recordOutcome(jobId: string, devicePk: string, outcome: BulkDeviceOutcome, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('bulk_job_devices')
      .set({
        state: outcome.state,
        command_id: outcome.state === 'done' ? outcome.commandId : null,
        detail: outcome.state === 'done' ? null : outcome.detail,
        updated_at: now,
      })
      .where('job_id', '=', jobId)
      .where('device_pk', '=', devicePk)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;

    await this.db
      .updateTable('bulk_jobs')
      .set((eb) => ({ [outcome.state]: eb(outcome.state, '+', 1), updated_at: now }))
      .where('id', '=', jobId)
      .execute();
    return true;
  }

  /** Counts a job's device rows per state. */
  async countByState(jobId: string): Promise<Partial<Record<BulkJobDeviceState, number>>> {
    const rows = await this.db
      .selectFrom('bulk_job_devices')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('job_id', '=', jobId)
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
  }

  /**
   * Lists a job's devices with their results in position order, after a
   * position, optionally of one state only.
   */
  async listDevices(
    jobId: string,
    options: { afterPosition: number; limit: number; state?: BulkJobDeviceState },
  ): Promise<Array<BulkJobDeviceRow & { device_id: string | null; command_state: string | null }>> {
    let query = this.db
      .selectFrom('bulk_job_devices')
      .leftJoin('devices', 'devices.id', 'bulk_job_devices.device_pk')
      .leftJoin('commands', 'commands.id', 'bulk_job_devices.command_id')
      .selectAll('bulk_job_devices')
      .select(['devices.device_id as device_id', 'commands.state as command_state'])
      .where('bulk_job_devices.job_id', '=', jobId)
      .where('bulk_job_devices.position', '>', options.afterPosition);
    if (options.state) query = query.where('bulk_job_devices.state', '=', options.state);
    return query.orderBy('bulk_job_devices.position').limit(options.limit).execute();
  }
}
