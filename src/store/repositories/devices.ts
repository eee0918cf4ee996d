import { sql } from 'kysely';

import type { Db } from '../database.js';
import type { ContactState } from '../../domain/contact-state.js';
import type { DeviceRow, DeviceUpdate, NewDevice } from '../schema.js';
import { deviceInScope, type DeviceScopeFilter } from '../device-scope-filter.js';
import { lastPerKey } from '../sql-helpers.js';
import { listDevicePage, type DeviceListPageOptions, type DeviceListPageRow } from './device-list-queries.js';
import { findAgentDeviceView, type AgentDeviceView } from './agent-device-view.js';

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

// Opening the change log extends its window this far past what the list
// needs, so the first pages of the next five minutes write nothing.
const CHANGE_LOG_EXTENSION_MS = 5 * 60_000;

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

  /** Finds a device with what a sync or report reads beside it, in one query; see findAgentDeviceView. */
  async findForAgent(deviceId: string, now: number): Promise<AgentDeviceView | undefined> {
    return findAgentDeviceView(this.db, deviceId, now);
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
    return listDevicePage(this.db, { ...options, asOfChange: null });
  }

  /** Lists one page of the device list; see listDevicePage. */
  async listPage(options: DeviceListPageOptions): Promise<DeviceListPageRow[]> {
    return listDevicePage(this.db, options);
  }

  /**
   * Starts a list that reads devices as of now: makes the change log record
   * updates until at least `openUntil` (ms), and returns the log's current
   * position.
   */
  async openChangeLog(openUntil: number): Promise<number> {
    const activity = await this.db.selectFrom('device_list_activity').select('open_until').where('id', '=', 1).executeTakeFirst();
    if (activity === undefined || activity.open_until < openUntil) {
      const extended = openUntil + CHANGE_LOG_EXTENSION_MS;
      await this.db
        .insertInto('device_list_activity')
        .values({ id: 1, open_until: extended })
        .onConflict((oc) => oc.column('id').doUpdateSet({ open_until: extended }))
        .execute();
    }

    // Read after the activity row is stored, so every later update is logged above this position.
    // NOTE: on PostgreSQL, an update whose trigger ran before the activity row
    // committed, or a change row with a lower sequence number that commits
    // after this read, escapes the list's position. Both need a device report
    // within the same milliseconds as a first page; SQLite runs one at a time.
    const row = await this.db
      .selectFrom('device_sort_changes')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  /**
   * Deletes device-list state from before `createdBefore` (ms): change-log
   * rows, and snapshot rows that Outpost versions before the change log
   * stored. Returns how many rows it deleted.
   */
  async purgeListSnapshots(createdBefore: number): Promise<number> {
    const snapshots = await this.db.deleteFrom('list_snapshot_rows').where('created_at', '<', createdBefore).executeTakeFirst();
    return Number(snapshots.numDeletedRows) + (await this.purgeChangeLog(createdBefore));
  }

  /**
   * Deletes change-log rows recorded before `recordedBefore` (ms) and
   * returns how many it deleted. Rows are logged in time order, so this
   * reads only the rows it deletes and the first one it keeps.
   */
  async purgeChangeLog(recordedBefore: number): Promise<number> {
    const firstKept = await this.db
      .selectFrom('device_sort_changes')
      .select('seq')
      .where('recorded_at', '>=', recordedBefore)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();

    let query = this.db.deleteFrom('device_sort_changes');
    if (firstKept !== undefined) query = query.where('seq', '<', firstKept.seq);
    const result = await query.executeTakeFirst();
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
