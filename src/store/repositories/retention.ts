import type { Db } from '../database.js';
import type { CommandState } from '../schema.js';

/** Command states after which a command never changes again. */
export const FINISHED_COMMAND_STATES: readonly CommandState[] = ['confirmed', 'failed', 'expired', 'cancelled'];

/**
 * Deletes old rows in batches of at most `batchSize`, so each delete is a
 * short transaction. Each method deletes one batch and returns how many
 * rows it deleted.
 */
export class RetentionRepository {
  constructor(private readonly db: Db) {}

  /** Deletes device log lines received before `cutoff`. */
  async deleteDeviceLogsBefore(cutoff: number, batchSize: number): Promise<number> {
    const batch = this.db.selectFrom('device_logs').select('id').where('received_at', '<', cutoff).limit(batchSize);
    const result = await this.db.deleteFrom('device_logs').where('id', 'in', batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes audit events recorded before `cutoff`. */
  async deleteAuditEventsBefore(cutoff: number, batchSize: number): Promise<number> {
    const batch = this.db.selectFrom('audit_events').select('id').where('at', '<', cutoff).limit(batchSize);
    const result = await this.db.deleteFrom('audit_events').where('id', 'in', batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes commands that finished (confirmed, failed, expired or cancelled) before `cutoff`. */
  async deleteFinishedCommandsBefore(cutoff: number, batchSize: number): Promise<number> {
    const batch = this.db
      .selectFrom('commands')
      .select('id')
      .where('state', 'in', [...FINISHED_COMMAND_STATES])
      .where('updated_at', '<', cutoff)
      .limit(batchSize);
    const result = await this.db.deleteFrom('commands').where('id', 'in', batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Deletes bulk jobs that completed or were cancelled before `cutoff`,
   * with their per-device results. A job of 10,000 devices has 10,000
   * result rows, so the rows go in batches, job after job, and a job row
   * goes once its results are gone. The commands a job queued stay, under
   * the finished-command retention.
   */
  async deleteFinishedBulkJobsBefore(cutoff: number, batchSize: number): Promise<number> {
    let deleted = 0;
    while (deleted < batchSize) {
      const job = await this.db
        .selectFrom('bulk_jobs')
        .select('id')
        .where('state', 'in', ['completed', 'cancelled'])
        .where('finished_at', '<', cutoff)
        .orderBy('finished_at')
        .limit(1)
        .executeTakeFirst();
      if (!job) break;

      const rows = this.db.selectFrom('bulk_job_devices').select('device_pk').where('job_id', '=', job.id).limit(batchSize - deleted);
      const result = await this.db
        .deleteFrom('bulk_job_devices')
        .where('job_id', '=', job.id)
        .where('device_pk', 'in', rows)
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
      if (deleted >= batchSize) break;

      // Fewer rows than the budget were left, so this job has none now.
      const jobResult = await this.db.deleteFrom('bulk_jobs').where('id', '=', job.id).executeTakeFirst();
      deleted += Number(jobResult.numDeletedRows);
    }
    return deleted;
  }

  /** Deletes DHIS2 sync runs that finished before `cutoff`; a running sync is kept. */
  async deleteFinishedSyncRunsBefore(cutoff: number, batchSize: number): Promise<number> {
    const batch = this.db
      .selectFrom('dhis2_sync_runs')
      .select('id')
      .where('state', '!=', 'running')
      .where('started_at', '<', cutoff)
      .limit(batchSize);
    const result = await this.db.deleteFrom('dhis2_sync_runs').where('id', 'in', batch).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Returns the time of the oldest stored location fix, or null when there is none. */
  async oldestLocationTakenAt(): Promise<number | null> {
    const row = await this.db.selectFrom('locations').select((eb) => eb.fn.min('taken_at').as('oldest')).executeTakeFirst();
    return row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
  }

  /** Returns which of the given blob keys an app version refers to. */
  async referencedBlobKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.selectFrom('app_versions').select('blob_key').where('blob_key', 'in', [...keys]).execute();
    return new Set(rows.map((row) => row.blob_key));
  }
}
