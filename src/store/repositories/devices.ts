import type { Db } from '../database.js';
import type { DeviceRow, DeviceUpdate, NewDevice } from '../schema.js';

/** Device records: identity, inventory and installed app versions. */
export class DeviceRepository {
  constructor(private readonly db: Db) {}

  async insert(device: NewDevice): Promise<void> {
    await this.db.insertInto('devices').values(device).execute();
  }

  async update(pk: string, changes: DeviceUpdate): Promise<void> {
    await this.db.updateTable('devices').set(changes).where('id', '=', pk).execute();
  }

  async findByPk(pk: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('id', '=', pk).executeTakeFirst();
  }

  async findByDeviceId(deviceId: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('devices').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
  }

  /** Finds a device whose serial or either IMEI equals one of the given values. */
  async findByHardwareId(values: string[]): Promise<DeviceRow | undefined> {
    const known = values.filter((value) => value !== '');
    if (known.length === 0) return undefined;

    return this.db
      .selectFrom('devices')
      .selectAll()
      .where((eb) => eb.or([eb('serial', 'in', known), eb('imei', 'in', known), eb('imei2', 'in', known)]))
      .orderBy('enrolled_at', 'desc')
      .executeTakeFirst();
  }

  async listPksByPolicy(policyId: string): Promise<Array<{ id: string; device_id: string }>> {
    return this.db.selectFrom('devices').select(['id', 'device_id']).where('policy_id', '=', policyId).execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Replaces the installed versions of the given packages for one device. */
  async saveInstalledApps(
    pk: string,
    apps: Array<{ packageName: string; versionName: string | null }>,
    reportedAt: number,
  ): Promise<void> {
    if (apps.length === 0) return;

    await this.db
      .insertInto('device_apps')
      .values(
        apps.map((app) => ({
          device_pk: pk,
          package_name: app.packageName,
          version_name: app.versionName,
          reported_at: reportedAt,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['device_pk', 'package_name']).doUpdateSet((eb) => ({
          version_name: eb.ref('excluded.version_name'),
          reported_at: eb.ref('excluded.reported_at'),
        })),
      )
      .execute();
  }

  async listInstalledApps(pk: string) {
    return this.db
      .selectFrom('device_apps')
      .selectAll()
      .where('device_pk', '=', pk)
      .orderBy('package_name')
      .execute();
  }
}
