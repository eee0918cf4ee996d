import type { Db } from '../database.js';
import type { Dhis2SyncRunRow } from '../schema.js';

export interface SyncCounts {
  units_added: number;
  units_changed: number;
  units_removed: number;
  users_added: number;
  users_changed: number;
  users_removed: number;
  groups_added: number;
  groups_changed: number;
  groups_removed: number;
}

export const ZERO_COUNTS: SyncCounts = {
  units_added: 0,
  units_changed: 0,
  units_removed: 0,
  users_added: 0,
  users_changed: 0,
  users_removed: 0,
  groups_added: 0,
  groups_changed: 0,
  groups_removed: 0,
};

/** The log of DHIS2 synchronisations, one row per run. */
export class Dhis2SyncRunRepository {
  constructor(private readonly db: Db) {}

  async start(run: { id: string; trigger: string; actor: string; mode: string; startedAt: number }): Promise<void> {
    await this.db
      .insertInto('dhis2_sync_runs')
      .values({
        id: run.id,
        trigger: run.trigger,
        actor: run.actor,
        mode: run.mode,
        state: 'running',
        phase: 'connecting',
        done: 0,
        total: 0,
        started_at: run.startedAt,
        heartbeat_at: run.startedAt,
        finished_at: null,
        dhis2_version: null,
        cutoff: null,
        error: null,
        warnings_json: null,
        changes_json: null,
        ...ZERO_COUNTS,
      })
      .execute();
  }

  async progress(id: string, update: { phase?: string; done?: number; total?: number; mode?: string; dhis2Version?: string }, now: number): Promise<void> {
    await this.db
      .updateTable('dhis2_sync_runs')
      .set({
        heartbeat_at: now,
        ...(update.phase === undefined ? {} : { phase: update.phase }),
        ...(update.done === undefined ? {} : { done: update.done }),
        ...(update.total === undefined ? {} : { total: update.total }),
        ...(update.mode === undefined ? {} : { mode: update.mode }),
        ...(update.dhis2Version === undefined ? {} : { dhis2_version: update.dhis2Version }),
      })
      .where('id', '=', id)
      .execute();
  }

  async succeed(
    id: string,
    result: { counts: SyncCounts; cutoff: string | null; warnings: string[]; changes: unknown },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('dhis2_sync_runs')
      .set({
        ...result.counts,
        state: 'succeeded',
        phase: 'done',
        finished_at: now,
        heartbeat_at: now,
        cutoff: result.cutoff,
        warnings_json: result.warnings.length > 0 ? JSON.stringify(result.warnings) : null,
        changes_json: JSON.stringify(result.changes),
      })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, error: string, warnings: string[], now: number): Promise<void> {
    await this.db
      .updateTable('dhis2_sync_runs')
      .set({
        state: 'failed',
        finished_at: now,
        heartbeat_at: now,
        error,
        warnings_json: warnings.length > 0 ? JSON.stringify(warnings) : null,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Marks runs whose process stopped sending progress as failed. */
  async failStale(staleBefore: number, now: number): Promise<number> {
    const result = await this.db
      .updateTable('dhis2_sync_runs')
      .set({ state: 'failed', finished_at: now, error: 'The run stopped without finishing: its Outpost process ended or lost the database. Nothing of it was saved.' })
      .where('state', '=', 'running')
      .where('heartbeat_at', '<', staleBefore)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async find(id: string): Promise<Dhis2SyncRunRow | undefined> {
    return this.db.selectFrom('dhis2_sync_runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(limit: number): Promise<Dhis2SyncRunRow[]> {
    return this.db.selectFrom('dhis2_sync_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  async lastSucceeded(mode?: string): Promise<Dhis2SyncRunRow | undefined> {
    let query = this.db.selectFrom('dhis2_sync_runs').selectAll().where('state', '=', 'succeeded');
    if (mode) query = query.where('mode', '=', mode);
    return query.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
  }
}
