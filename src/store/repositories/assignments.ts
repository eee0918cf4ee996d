import { sql, type SelectQueryBuilder } from 'kysely';

import { deviceInScope, type DeviceScopeFilter } from '../device-scope-filter.js';
import type { Db } from '../database.js';
import type { Database, Dhis2UserRow } from '../schema.js';

/** A DHIS2 user as the DHIS2 sync stored it in dhis2_users. */
export interface Dhis2UserRef {
  uid: string;
  username: string;
  displayName: string;
  /** Disabled in DHIS2, or gone from it at the last sync. */
  disabled: boolean;
  /** Gone from DHIS2 at the last sync. */
  removed: boolean;
  /** Capture org unit ids of the user in DHIS2. */
  orgUnitIds: string[];
}

/** One device as the assignment export writes it. */
export interface AssignmentRow {
  id: string;
  device_id: string;
  serial: string | null;
  imei: string | null;
  dhis2_user_id: string | null;
  org_unit_id: string | null;
  org_unit_name: string | null;
  explicit_policy_id: string | null;
  policy_id: string | null;
  policy_name: string | null;
}

/**
 * Device ↔ health-worker assignments, and look-ups of the DHIS2 users that
 * the DHIS2 sync keeps in dhis2_users and dhis2_user_org_units.
 */
export class AssignmentRepository {
  constructor(private readonly db: Db) {}

  async setDeviceUser(devicePk: string, dhis2UserId: string | null, now: number): Promise<void> {
    await this.db.updateTable('devices').set({ dhis2_user_id: dhis2UserId, updated_at: now }).where('id', '=', devicePk).execute();
  }

  async setTokenUser(tokenId: string, dhis2UserId: string | null): Promise<void> {
    await this.db.updateTable('enrolment_tokens').set({ dhis2_user_id: dhis2UserId }).where('id', '=', tokenId).execute();
  }

  /** Devices in scope with their unit and policy names, ordered by device id. */
  async listForExport(scope: DeviceScopeFilter): Promise<AssignmentRow[]> {
    return this.db
      .selectFrom('devices')
      .leftJoin('org_units', 'org_units.id', 'devices.org_unit_id')
      .leftJoin('policies', 'policies.id', 'devices.policy_id')
      .select([
        'devices.id',
        'devices.device_id',
        'devices.serial',
        'devices.imei',
        'devices.dhis2_user_id',
        'devices.org_unit_id',
        'org_units.name as org_unit_name',
        'devices.explicit_policy_id',
        'devices.policy_id',
        'policies.name as policy_name',
      ])
      .where(deviceInScope(scope))
      .orderBy('devices.device_id')
      .execute();
  }

  async findDhis2UserByUid(uid: string): Promise<Dhis2UserRef | undefined> {
    return (await this.dhis2Users((query) => query.where('dhis2_users.id', '=', uid)))[0];
  }

  async findDhis2UserByUsername(username: string): Promise<Dhis2UserRef | undefined> {
    return (await this.dhis2Users((query) => query.where('dhis2_users.username', '=', username)))[0];
  }

  /** DHIS2 users by uid, for the uids given; unknown uids are absent. */
  async mapDhis2Users(uids: readonly string[]): Promise<Map<string, Dhis2UserRef>> {
    const unique = [...new Set(uids)];
    const users = new Map<string, Dhis2UserRef>();
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let start = 0; start < unique.length; start += 500) {
      const chunk = unique.slice(start, start + 500);
      for (const user of await this.dhis2Users((query) => query.where('dhis2_users.id', 'in', chunk))) users.set(user.uid, user);
    }
    return users;
  }

  /** DHIS2 users DHIS2 still has, ordered by username; those of one org unit when `orgUnitId` is given. */
  async listDhis2Users(orgUnitId?: string): Promise<Dhis2UserRef[]> {
    return this.dhis2Users((query) => {
      const current = query.where('dhis2_users.removed_at', 'is', null);
      if (orgUnitId === undefined) return current;
      return current.where((eb) =>
        eb.exists(
          eb
            .selectFrom('dhis2_user_org_units')
            .select('dhis2_user_org_units.user_id')
            .whereRef('dhis2_user_org_units.user_id', '=', 'dhis2_users.id')
            .where('dhis2_user_org_units.org_unit_id', '=', orgUnitId),
        ),
      );
    });
  }

  /**
   * Lists the current DHIS2 users with a unit in the subtree at `path`, each
   * with the first such unit (by unit path), ordered by username.
   */
  async listDhis2UsersInSubtree(path: string): Promise<Array<Dhis2UserRef & { subtreeUnitId: string }>> {
    const links = await this.db
      .selectFrom('dhis2_user_org_units')
      .innerJoin('org_units', 'org_units.id', 'dhis2_user_org_units.org_unit_id')
      .select(['dhis2_user_org_units.user_id', 'dhis2_user_org_units.org_unit_id'])
      .where(sql<boolean>`substr(org_units.path, 1, ${path.length}) = ${path}`)
      .orderBy('org_units.path')
      .execute();
    const unitOfUser = new Map<string, string>();
    for (const link of links) if (!unitOfUser.has(link.user_id)) unitOfUser.set(link.user_id, link.org_unit_id);

    const users = (await this.mapDhis2Users([...unitOfUser.keys()])).values();
    return [...users]
      .filter((user) => !user.removed)
      .map((user) => ({ ...user, subtreeUnitId: unitOfUser.get(user.uid) ?? '' }))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  private async dhis2Users(
    filter: (query: SelectQueryBuilder<Database, 'dhis2_users', Dhis2UserRow>) => SelectQueryBuilder<Database, 'dhis2_users', Dhis2UserRow>,
  ): Promise<Dhis2UserRef[]> {
    const rows = await filter(this.db.selectFrom('dhis2_users').selectAll('dhis2_users')).orderBy('dhis2_users.username').execute();
    if (rows.length === 0) return [];

    const units = await this.db
      .selectFrom('dhis2_user_org_units')
      .selectAll()
      .where('user_id', 'in', rows.map((row) => row.id))
      .execute();
    return rows.map((row) => ({
      uid: row.id,
      username: row.username,
      displayName: `${row.first_name} ${row.surname}`.trim() || row.username,
      disabled: row.disabled !== 0 || row.removed_at !== null,
      removed: row.removed_at !== null,
      orgUnitIds: units.filter((unit) => unit.user_id === row.id).map((unit) => unit.org_unit_id),
    }));
  }
}
