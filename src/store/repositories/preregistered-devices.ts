import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { PreregisteredDeviceRow } from '../schema.js';

export interface NewPreregisteredDevice {
  hardwareId: string;
  label: string;
}

// 500 rows of 5 values stay far below the bound-parameter limits of SQLite
// (32,766) and PostgreSQL (65,535), and one statement per 500 rows keeps a
// 100,000-row upload to 200 statements.
const ROWS_PER_INSERT = 500;

/** Serials and IMEIs of the phones a programme bought, one row per value. */
export class PreregisteredDeviceRepository {
  constructor(private readonly db: Db) {}

  /** Inserts the values not yet listed and returns how many were new. */
  async insertMany(entries: readonly NewPreregisteredDevice[], createdBy: string, now: number): Promise<number> {
    let inserted = 0;
    for (let start = 0; start < entries.length; start += ROWS_PER_INSERT) {
      const rows = entries.slice(start, start + ROWS_PER_INSERT).map((entry) => ({
        id: newId(),
        hardware_id: entry.hardwareId,
        label: entry.label,
        created_at: now,
        created_by: createdBy,
      }));
      const result = await this.db
        .insertInto('preregistered_devices')
        .values(rows)
        .onConflict((oc) => oc.column('hardware_id').doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return inserted;
  }

  /** Lists entries in hardware-id order, continuing after `afterHardwareId`. */
  async list(limit: number, afterHardwareId?: string): Promise<PreregisteredDeviceRow[]> {
    let query = this.db.selectFrom('preregistered_devices').selectAll();
    if (afterHardwareId !== undefined) query = query.where('hardware_id', '>', afterHardwareId);
    return query.orderBy('hardware_id').limit(limit).execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('preregistered_devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Returns whether any of the values is listed. */
  async containsAny(values: readonly string[]): Promise<boolean> {
    if (values.length === 0) return false;
    const row = await this.db
      .selectFrom('preregistered_devices')
      .select('hardware_id')
      .where('hardware_id', 'in', [...values])
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Deletes one value and returns whether it was listed. */
  async remove(hardwareId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('preregistered_devices').where('hardware_id', '=', hardwareId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
