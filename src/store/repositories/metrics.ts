import { sql } from 'kysely';

import type { Db } from '../database.js';

export interface DeviceContactCounts {
  online: number;
  late: number;
  offline: number;
  never: number;
}

/** Fleet-wide counts the metrics endpoint reads on each scrape. */
export class MetricsRepository {
  constructor(private readonly db: Db) {}

  /** Counts devices by last contact: at or after `onlineSince`, at or after `lateSince`, earlier, or never. */
  async countDevicesByContact(onlineSince: number, lateSince: number): Promise<DeviceContactCounts> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn.count<number>('last_contact_at').as('contacted'),
        eb.fn.sum<number>(eb.case().when('last_contact_at', '>=', onlineSince).then(1).else(0).end()).as('online'),
        eb.fn.sum<number>(eb.case().when('last_contact_at', '>=', lateSince).then(1).else(0).end()).as('sinceLate'),
      ])
      .executeTakeFirstOrThrow();

    const total = Number(row.total);
    const contacted = Number(row.contacted);
    const online = Number(row.online ?? 0);
    const sinceLate = Number(row.sinceLate ?? 0);
    return { online, late: sinceLate - online, offline: contacted - sinceLate, never: total - contacted };
  }

  /** Counts rollouts by state. */
  async countRolloutsByState(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('rollouts')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
  }

  /** Runs a trivial query, so its time shows the database round trip. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }
}
