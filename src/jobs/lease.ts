import type { Db } from '../store/database.js';

/** A job lease as stored. */
export interface Lease {
  name: string;
  holder: string;
  /** Milliseconds since the epoch at which the lease becomes free. */
  expiresAt: number;
}

/**
 * Named leases in the job_leases table, so that one process of several on
 * the same database runs each scheduled job. Times come from the caller's
 * clock.
 *
 * NOTE: processes compare their own clocks with the stored expiry, so their
 * clocks must agree (NTP) to well within a lease's length.
 *
 * @example
 * const leases = new JobLeases(db);
 * if (await leases.acquire('purge-sessions', holder, 60_000, Date.now())) await purge();
 */
export class JobLeases {
  constructor(private readonly db: Db) {}

  /**
   * Takes the lease until `now + ttlMs` if it is free, expired or already
   * held by `holder`, and returns whether `holder` holds it now. One
   * INSERT … ON CONFLICT DO UPDATE … WHERE decides, so of two processes
   * racing for a free lease exactly one gets it, on SQLite and PostgreSQL.
   */
  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const expiresAt = now + ttlMs;

    const acquired = await this.db
      .insertInto('job_leases')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('job_leases.holder', '=', holder), eb('job_leases.expires_at', '<=', now)])),
      )
      .returning('holder')
      .executeTakeFirst();
    return acquired !== undefined;
  }

  /**
   * Extends a lease that `holder` still holds to `now + ttlMs`. Returns false
   * when the lease has expired or another holder has it.
   */
  async renew(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('job_leases')
      .set({ expires_at: now + ttlMs })
      .where('name', '=', name)
      .where('holder', '=', holder)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Frees the lease if `holder` holds it; a lease taken over by another holder stays theirs. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
  }

  async find(name: string): Promise<Lease | undefined> {
    const row = await this.db.selectFrom('job_leases').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? { name: row.name, holder: row.holder, expiresAt: row.expires_at } : undefined;
  }
}
