import { sql, type Insertable } from 'kysely';

import type { Db } from '../database.js';
import type { RolloutDeviceRow, RolloutDeviceStatus, RolloutRow, RolloutStateColumn, RolloutTable } from '../schema.js';

/** Installed, failed, … counts of one stage's devices. */
export type StatusCounts = Record<RolloutDeviceStatus, number>;

/** A device whose policy installs a package, with what rollout selection reads of it. */
export interface PackageDeviceRow {
  id: string;
  device_id: string;
  policy_id: string | null;
  sdk_level: number | null;
  org_unit_path: string | null;
  /** versionName the device reports installed for the package, or null. */
  installed_version_name: string | null;
}

/** Rollouts, the devices each has dealt with, and bytes downloaded per device. */
export class RolloutRepository {
  constructor(private readonly db: Db) {}

  async insert(rollout: Insertable<RolloutTable>): Promise<void> {
    await this.db.insertInto('rollouts').values(rollout).execute();
  }

  async findById(id: string): Promise<RolloutRow | undefined> {
    return this.db.selectFrom('rollouts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Lists rollouts, newest first. */
  async list(): Promise<RolloutRow[]> {
    return this.db.selectFrom('rollouts').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
  }

  async listByStates(states: readonly RolloutStateColumn[]): Promise<RolloutRow[]> {
    return this.db.selectFrom('rollouts').selectAll().where('state', 'in', states).orderBy('created_at').execute();
  }

  /** Lists the rollouts of the given packages that are in one of `states`. */
  async listForPackages(packageNames: readonly string[], states: readonly RolloutStateColumn[]): Promise<RolloutRow[]> {
    if (packageNames.length === 0) return [];
    return this.db
      .selectFrom('rollouts')
      .selectAll()
      .where('package_name', 'in', packageNames)
      .where('state', 'in', states)
      .orderBy('created_at')
      .execute();
  }

  /**
   * Sets the state, only if the rollout is still in one of `from`. Returns
   * false when another request changed it first.
   */
  async changeState(
    id: string,
    from: readonly RolloutStateColumn[],
    to: RolloutStateColumn,
    haltReason: string | null,
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('rollouts')
      .set({ state: to, halt_reason: haltReason, updated_at: now })
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setResumedAt(id: string, now: number): Promise<void> {
    await this.db.updateTable('rollouts').set({ resumed_at: now }).where('id', '=', id).execute();
  }

  async setWokenStage(id: string, stage: number, now: number): Promise<void> {
    await this.db.updateTable('rollouts').set({ woken_stage: stage, updated_at: now }).where('id', '=', id).execute();
  }

  async listDevices(rolloutId: string): Promise<RolloutDeviceRow[]> {
    return this.db.selectFrom('rollout_devices').selectAll().where('rollout_id', '=', rolloutId).execute();
  }

  async findDevice(rolloutId: string, devicePk: string): Promise<RolloutDeviceRow | undefined> {
    return this.db
      .selectFrom('rollout_devices')
      .selectAll()
      .where('rollout_id', '=', rolloutId)
      .where('device_pk', '=', devicePk)
      .executeTakeFirst();
  }

  /** Records one more offer of the target; a new row starts as pending at `stageIndex`. */
  async recordOffer(rolloutId: string, devicePk: string, stageIndex: number, now: number): Promise<void> {
    await this.db
      .insertInto('rollout_devices')
      .values({
        rollout_id: rolloutId,
        device_pk: devicePk,
        status: 'pending',
        stage_index: stageIndex,
        offers: 1,
        first_offered_at: now,
        last_offered_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['rollout_id', 'device_pk']).doUpdateSet({
          offers: sql`rollout_devices.offers + 1`,
          last_offered_at: now,
          updated_at: now,
        }),
      )
      .execute();
  }

  /**
   * Sets a device's status, creating its row at `stageIndex` when it has
   * none. Returns true when the status changed.
   */
  async setDeviceStatus(
    rolloutId: string,
    devicePk: string,
    status: RolloutDeviceStatus,
    stageIndex: number,
    now: number,
  ): Promise<boolean> {
    const existing = await this.findDevice(rolloutId, devicePk);
    if (existing?.status === status) return false;

    await this.db
      .insertInto('rollout_devices')
      .values({ rollout_id: rolloutId, device_pk: devicePk, status, stage_index: stageIndex, offers: 0, updated_at: now })
      .onConflict((oc) => oc.columns(['rollout_id', 'device_pk']).doUpdateSet({ status, updated_at: now }))
      .execute();
    return true;
  }

  /** Marks a pending device as downloading; other statuses stay. */
  async markDownloading(rolloutId: string, devicePk: string, now: number): Promise<void> {
    await this.db
      .updateTable('rollout_devices')
      .set({ status: 'downloading', updated_at: now })
      .where('rollout_id', '=', rolloutId)
      .where('device_pk', '=', devicePk)
      .where('status', '=', 'pending')
      .execute();
  }

  /**
   * Puts failed devices back to pending with no offers counted, so they are
   * offered again. Without `devicePks` every failed device is retried.
   * Returns the device record ids retried.
   */
  async retryFailed(rolloutId: string, devicePks: readonly string[] | null, now: number): Promise<string[]> {
    let query = this.db
      .selectFrom('rollout_devices')
      .select('device_pk')
      .where('rollout_id', '=', rolloutId)
      .where('status', '=', 'failed');
    if (devicePks !== null) {
      if (devicePks.length === 0) return [];
      query = query.where('device_pk', 'in', devicePks);
    }
    const pks = (await query.execute()).map((row) => row.device_pk);
    if (pks.length === 0) return [];

    await this.db
      .updateTable('rollout_devices')
      .set({ status: 'pending', offers: 0, updated_at: now })
      .where('rollout_id', '=', rolloutId)
      .where('device_pk', 'in', pks)
      .execute();
    return pks;
  }

  /** Counts a stage's device rows by status, only rows changed at or after `since` when given. */
  async countStage(rolloutId: string, stageIndex: number, since: number | null = null): Promise<StatusCounts> {
    let query = this.db
      .selectFrom('rollout_devices')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('rollout_id', '=', rolloutId)
      .where('stage_index', '=', stageIndex);
    if (since !== null) query = query.where('updated_at', '>=', since);
    const rows = await query.groupBy('status').execute();

    const counts: StatusCounts = { pending: 0, downloading: 0, installed: 0, failed: 0, incompatible: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /** Lists every device whose policy installs `packageName`, ordered by device id. */
  async listDevicesInstalling(packageName: string): Promise<PackageDeviceRow[]> {
    return this.db
      .selectFrom('devices')
      .innerJoin('policy_apps', (join) =>
        join
          .onRef('policy_apps.policy_id', '=', 'devices.policy_id')
          .on('policy_apps.package_name', '=', packageName)
          .on('policy_apps.action', '=', 'install'),
      )
      .leftJoin('org_units', 'org_units.id', 'devices.org_unit_id')
      .leftJoin('device_apps', (join) =>
        join.onRef('device_apps.device_pk', '=', 'devices.id').on('device_apps.package_name', '=', packageName),
      )
      .select([
        'devices.id',
        'devices.device_id',
        'devices.policy_id',
        'devices.sdk_level',
        'org_units.path as org_unit_path',
        'device_apps.version_name as installed_version_name',
      ])
      .orderBy('devices.device_id')
      .execute();
  }

  /** Adds bytes sent to a device for an app version. */
  async addDownloadedBytes(devicePk: string, appVersionId: string, bytes: number, now: number): Promise<void> {
    await this.db
      .insertInto('device_downloads')
      .values({ device_pk: devicePk, app_version_id: appVersionId, bytes_served: bytes, requests: 1, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['device_pk', 'app_version_id']).doUpdateSet({
          bytes_served: sql`device_downloads.bytes_served + ${bytes}`,
          requests: sql`device_downloads.requests + 1`,
          updated_at: now,
        }),
      )
      .execute();
  }

  /** Returns bytes of an app version sent to each device, by device record id. */
  async downloadedBytesByDevice(appVersionId: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('device_downloads')
      .select(['device_pk', 'bytes_served'])
      .where('app_version_id', '=', appVersionId)
      .execute();
    return new Map(rows.map((row) => [row.device_pk, Number(row.bytes_served)]));
  }
}
