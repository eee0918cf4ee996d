import { sql, type ExpressionBuilder } from 'kysely';

import { dialectOf, type Db, type DialectName } from '../database.js';
import type { ContactState } from '../../domain/contact-state.js';
import type { Database, DeviceRow, DeviceUpdate, NewDevice } from '../schema.js';
import { deviceInScope, type DeviceScopeFilter } from '../device-scope-filter.js';
import { containsInsensitive, lastPerKey } from '../sql-helpers.js';

/** A device row with the name of its policy and, in lists, its health worker's DHIS2 username. */
export type DeviceListRow = DeviceRow & { policy_name: string | null; dhis2_username?: string | null };

/** Device columns a list can be ordered by without a snapshot, because they never change. */
export type StableSortColumn = 'device_id' | 'enrolled_at';

/** Device columns that change as devices report, so lists ordered by them page through a snapshot. */
export type ChangingSortColumn = 'last_contact_at' | 'battery_level' | 'model';

export type SortOrder = 'asc' | 'desc';

/**
 * Device filter of a list or count: the caller's scope, and the list's own
 * filters (an org-unit subtree as a scope filter, a DHIS2 user uid).
 */
export interface DeviceListFilter {
  scope: DeviceScopeFilter;
  subtree?: DeviceScopeFilter;
  dhis2UserId?: string | null;
  contact?: ContactStateFilter | null;
}

/**
 * A device list filter on contact state, with the last-contact bounds of
 * the states at the time of the request (contactBounds).
 */
export interface ContactStateFilter {
  state: ContactState;
  onlineSince: number;
  lateSince: number;
}

export interface FleetCounts {
  total: number;
  online: number;
  late: number;
  neverContacted: number;
  enrolledSince: number;
}

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

  /**
   * Replaces the installed versions of the given packages for one device. A
   * package listed twice keeps its last entry.
   */
  async saveInstalledApps(
    pk: string,
    apps: Array<{ packageName: string; versionName: string | null }>,
    reportedAt: number,
  ): Promise<void> {
    if (apps.length === 0) return;

    await this.db
      .insertInto('device_apps')
      .values(
        lastPerKey(apps, (app) => app.packageName).map((app) => ({
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

  /**
   * Lists one page ordered by an immutable column, continuing after the
   * (value, id) of the previous page's last row (keyset pagination).
   */
  async listPageByStableKey(options: {
    sort: StableSortColumn;
    order: SortOrder;
    search: string | null;
    after: { value: string | number; id: string } | null;
    limit: number;
    filter?: DeviceListFilter;
  }): Promise<DeviceListRow[]> {
    const column = `devices.${options.sort}` as const;
    const comparison = options.order === 'asc' ? '>' : '<';

    let query = this.db
      .selectFrom('devices')
      .leftJoin('policies', 'policies.id', 'devices.policy_id')
      .leftJoin('dhis2_users', 'dhis2_users.id', 'devices.dhis2_user_id')
      .selectAll('devices')
      .select(['policies.name as policy_name', 'dhis2_users.username as dhis2_username']);
    if (options.search !== null) query = query.where(matchesSearch(options.search, dialectOf(this.db)));
    query = query.where(listFilterCondition(options.filter));

    const after = options.after;
    if (after !== null) {
      query = query.where((eb) =>
        eb.or([
          eb(column, comparison, after.value),
          eb.and([eb(column, '=', after.value), eb('devices.id', comparison, after.id)]),
        ]),
      );
    }

    return query.orderBy(column, options.order).orderBy('devices.id', options.order).limit(options.limit).execute();
  }

  /**
   * Stores the ordered ids of every matching device under `snapshotId`, in one
   * INSERT … SELECT, and returns how many rows it stored. Devices without a
   * value for the column come last in either order.
   */
  async createListSnapshot(options: {
    snapshotId: string;
    sort: ChangingSortColumn;
    order: SortOrder;
    search: string | null;
    now: number;
    filter?: DeviceListFilter;
  }): Promise<number> {
    const column = sql.ref(`devices.${options.sort}`);
    // Only 'asc' or 'desc' reach sql.raw; both come from the typed option.
    const direction = sql.raw(options.order === 'asc' ? 'asc' : 'desc');
    const ordering = sql`(${column} is null), ${column} ${direction}, ${sql.ref('devices.id')} ${direction}`;

    let rows = this.db
      .selectFrom('devices')
      .select([
        sql<string>`${options.snapshotId}`.as('snapshot_id'),
        sql<number>`row_number() over (order by ${ordering})`.as('position'),
        'devices.id as device_pk',
        sql<number>`${options.now}`.as('created_at'),
      ]);
    if (options.search !== null) rows = rows.where(matchesSearch(options.search, dialectOf(this.db)));
    rows = rows.where(listFilterCondition(options.filter));

    const result = await this.db
      .insertInto('list_snapshot_rows')
      .columns(['snapshot_id', 'position', 'device_pk', 'created_at'])
      .expression(rows)
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  /** Reads the devices of a snapshot after a position; devices deleted since are left out. */
  async listSnapshotPage(
    snapshotId: string,
    afterPosition: number,
    limit: number,
    scope: DeviceScopeFilter = null,
  ): Promise<Array<DeviceListRow & { position: number }>> {
    return this.db
      .selectFrom('list_snapshot_rows')
      .innerJoin('devices', 'devices.id', 'list_snapshot_rows.device_pk')
      .leftJoin('policies', 'policies.id', 'devices.policy_id')
      .leftJoin('dhis2_users', 'dhis2_users.id', 'devices.dhis2_user_id')
      .selectAll('devices')
      .select(['policies.name as policy_name', 'dhis2_users.username as dhis2_username', 'list_snapshot_rows.position'])
      .where('list_snapshot_rows.snapshot_id', '=', snapshotId)
      .where('list_snapshot_rows.position', '>', afterPosition)
      .where(deviceInScope(scope))
      .orderBy('list_snapshot_rows.position')
      .limit(limit)
      .execute();
  }

  async deleteListSnapshot(snapshotId: string): Promise<void> {
    await this.db.deleteFrom('list_snapshot_rows').where('snapshot_id', '=', snapshotId).execute();
  }

  /** Deletes snapshot rows created before `createdBefore`; returns how many it deleted. */
  async purgeListSnapshots(createdBefore: number): Promise<number> {
    const result = await this.db.deleteFrom('list_snapshot_rows').where('created_at', '<', createdBefore).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Counts devices in total, online since `onlineSince`, late (before that
   * but since `lateSince`), never contacted, and enrolled since
   * `enrolledSince`. Without `lateSince`, no device counts as late.
   */
  async countFleet(onlineSince: number, enrolledSince: number, scope: DeviceScopeFilter = null, lateSince = onlineSince): Promise<FleetCounts> {
    const row = await this.db
      .selectFrom('devices')
      .select([
        sql<number>`count(*)`.as('total'),
        sql<number>`coalesce(sum(case when last_contact_at >= ${onlineSince} then 1 else 0 end), 0)`.as('online'),
        sql<number>`coalesce(sum(case when last_contact_at < ${onlineSince} and last_contact_at >= ${lateSince} then 1 else 0 end), 0)`.as('late'),
        sql<number>`coalesce(sum(case when last_contact_at is null then 1 else 0 end), 0)`.as('never_contacted'),
        sql<number>`coalesce(sum(case when enrolled_at >= ${enrolledSince} then 1 else 0 end), 0)`.as('enrolled_since'),
      ])
      .where(deviceInScope(scope))
      .executeTakeFirstOrThrow();
    return {
      total: Number(row.total),
      online: Number(row.online),
      late: Number(row.late),
      neverContacted: Number(row.never_contacted),
      enrolledSince: Number(row.enrolled_since),
    };
  }

  /** Counts devices per policy id; policies without devices are absent. */
  async countPerPolicy(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('devices')
      .select(['policy_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('policy_id', 'is not', null)
      .groupBy('policy_id')
      .execute();
    return new Map(rows.map((row) => [row.policy_id ?? '', Number(row.n)]));
  }

  /** Deletes a device; its app rows, locations, commands and logs go with it by ON DELETE CASCADE. */
  async deleteByPk(pk: string): Promise<void> {
    await this.db.deleteFrom('devices').where('id', '=', pk).execute();
  }

  /**
   * Lists devices other than `excludePk` whose serial or either IMEI equals
   * one of the values, most recently created first.
   */
  async listOthersByHardwareId(values: string[], excludePk: string): Promise<DeviceRow[]> {
    if (values.length === 0) return [];

    return this.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '<>', excludePk)
      .where((eb) => eb.or([eb('serial', 'in', values), eb('imei', 'in', values), eb('imei2', 'in', values)]))
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Deletes the installed-app rows of packages the device no longer reports. */
  async removeInstalledAppsExcept(pk: string, keepPackages: string[]): Promise<void> {
    let query = this.db.deleteFrom('device_apps').where('device_pk', '=', pk);
    if (keepPackages.length > 0) query = query.where('package_name', 'not in', keepPackages);
    await query.execute();
  }
}

/** Builds the WHERE condition of a list filter; no filter lets every device through. */
function listFilterCondition(filter: DeviceListFilter | undefined) {
  return (eb: ExpressionBuilder<Database, 'devices'>) => {
    if (filter === undefined) return eb.and([]);

    const conditions = [deviceInScope(filter.scope)];
    if (filter.subtree !== undefined && filter.subtree !== null) conditions.push(deviceInScope(filter.subtree));
    if (filter.dhis2UserId !== undefined && filter.dhis2UserId !== null) conditions.push(eb('devices.dhis2_user_id', '=', filter.dhis2UserId));
    if (filter.contact) conditions.push(matchesContactState(filter.contact)(eb));
    return eb.and(conditions);
  };
}

/**
 * Matches devices whose device id, serial, IMEI or model contains `search`,
 * ignoring case. LIKE wildcards in the search text match only themselves.
 */
function matchesSearch(search: string, dialect: DialectName) {
  const columns = ['devices.device_id', 'devices.serial', 'devices.imei', 'devices.model'] as const;

  return (eb: ExpressionBuilder<Database, 'devices'>) =>
    eb.or(columns.map((column) => containsInsensitive(eb, dialect, column, search)));
}

function matchesContactState(filter: ContactStateFilter) {
  const column = 'devices.last_contact_at' as const;

  return (eb: ExpressionBuilder<Database, 'devices'>) => {
    switch (filter.state) {
      case 'never':
        return eb(column, 'is', null);
      case 'online':
        return eb(column, '>=', filter.onlineSince);
      case 'late':
        return eb.and([eb(column, '<', filter.onlineSince), eb(column, '>=', filter.lateSince)]);
      case 'offline':
        return eb(column, '<', filter.lateSince);
    }
  };
}
