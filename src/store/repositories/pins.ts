import type { Insertable } from 'kysely';

import type { Db } from '../database.js';
import type { AppPinRow, AppPinTable } from '../schema.js';

/** Version pins: caps on the versionCode devices in a scope are offered. */
export class PinRepository {
  constructor(private readonly db: Db) {}

  async insert(pin: Insertable<AppPinTable>): Promise<void> {
    await this.db.insertInto('app_pins').values(pin).execute();
  }

  async findById(id: string): Promise<AppPinRow | undefined> {
    return this.db.selectFrom('app_pins').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<AppPinRow[]> {
    return this.db.selectFrom('app_pins').selectAll().orderBy('package_name').orderBy('created_at').execute();
  }

  async listForPackages(packageNames: readonly string[]): Promise<AppPinRow[]> {
    if (packageNames.length === 0) return [];
    return this.db.selectFrom('app_pins').selectAll().where('package_name', 'in', packageNames).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('app_pins').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
