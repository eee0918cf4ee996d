import type { Db } from '../database.js';

/** Server-wide settings stored as JSON values by key. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('settings').select('value_json').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value_json) as T) : undefined;
  }

  async set(key: string, value: unknown, now = Date.now()): Promise<void> {
    const valueJson = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value_json: valueJson, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: valueJson, updated_at: now }))
      .execute();
  }
}
