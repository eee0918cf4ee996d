import type { Db } from '../database.js';
import type { DeviceOverrideRow } from '../schema.js';

/** Per-device settings that replace the policy's, with a revision counter. */
export class DeviceOverrideRepository {
  constructor(private readonly db: Db) {}

  async find(devicePk: string): Promise<DeviceOverrideRow | undefined> {
    return this.db.selectFrom('device_overrides').selectAll().where('device_pk', '=', devicePk).executeTakeFirst();
  }

  /** Lists the non-empty overrides of the devices that have the policy. */
  async listForPolicy(policyId: string): Promise<Array<{ device_id: string; settings_json: string }>> {
    return this.db
      .selectFrom('device_overrides')
      .innerJoin('devices', 'devices.id', 'device_overrides.device_pk')
      .select(['devices.device_id', 'device_overrides.settings_json'])
      .where('devices.policy_id', '=', policyId)
      .where('device_overrides.settings_json', '!=', '{}')
      .orderBy('devices.device_id')
      .execute();
  }

  /**
   * Stores the overrides as the next revision and returns it. Clearing keeps
   * the row with "{}", so the revision keeps counting and a device that has
   * not fetched the clearing still shows as pending.
   */
  async save(devicePk: string, settingsJson: string, actor: string | null, now: number): Promise<number> {
    // One statement, so two concurrent first saves cannot both insert.
    const row = await this.db
      .insertInto('device_overrides')
      .values({ device_pk: devicePk, settings_json: settingsJson, revision: 1, updated_at: now, updated_by: actor })
      .onConflict((conflict) =>
        conflict.column('device_pk').doUpdateSet((eb) => ({
          settings_json: settingsJson,
          revision: eb('device_overrides.revision', '+', 1),
          updated_at: now,
          updated_by: actor,
        })),
      )
      .returning('revision')
      .executeTakeFirstOrThrow();
    return Number(row.revision);
  }
}
