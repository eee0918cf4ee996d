import type { Db } from '../database.js';
import type { Dhis2UserRow } from '../schema.js';

/** A DHIS2 user as a sync writes it. */
export interface SyncedDhis2User {
  id: string;
  username: string;
  firstName: string;
  surname: string;
  email: string | null;
  disabled: boolean;
  lastLoginAt: number | null;
  orgUnitIds: readonly string[];
}

export interface SyncedDhis2Group {
  id: string;
  name: string;
  memberIds: readonly string[];
}

export interface StoredDhis2User extends SyncedDhis2User {
  removed: boolean;
}

export interface StoredDhis2Group extends SyncedDhis2Group {
  removed: boolean;
}

// Rows per insert statement: users have nine values, so 300 rows stay far
// under the parameter limits of both databases.
const BATCH = 300;

/** DHIS2 users, user groups and their memberships, as the last sync saw them. */
export class Dhis2DirectoryRepository {
  constructor(private readonly db: Db) {}

  async findUser(id: string): Promise<Dhis2UserRow | undefined> {
    return this.db.selectFrom('dhis2_users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findUserByUsername(username: string): Promise<Dhis2UserRow | undefined> {
    return this.db.selectFrom('dhis2_users').selectAll().where('username', '=', username).where('removed_at', 'is', null).executeTakeFirst();
  }

  async countUsers(): Promise<number> {
    const row = await this.db.selectFrom('dhis2_users').select((eb) => eb.fn.countAll<number>().as('n')).where('removed_at', 'is', null).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Loads every stored user with sorted org unit ids, for a sync to compare. */
  async loadUsers(): Promise<Map<string, StoredDhis2User>> {
    const rows = await this.db.selectFrom('dhis2_users').selectAll().execute();
    const units = await this.db.selectFrom('dhis2_user_org_units').select(['user_id', 'org_unit_id']).execute();

    const unitsByUser = new Map<string, string[]>();
    for (const unit of units) unitsByUser.set(unit.user_id, [...(unitsByUser.get(unit.user_id) ?? []), unit.org_unit_id]);

    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          username: row.username,
          firstName: row.first_name,
          surname: row.surname,
          email: row.email,
          disabled: row.disabled === 1,
          lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
          orgUnitIds: (unitsByUser.get(row.id) ?? []).sort(),
          removed: row.removed_at !== null,
        },
      ]),
    );
  }

  async loadGroups(): Promise<Map<string, StoredDhis2Group>> {
    const rows = await this.db.selectFrom('dhis2_user_groups').selectAll().execute();
    const members = await this.db.selectFrom('dhis2_user_group_members').select(['user_id', 'group_id']).execute();

    const byGroup = new Map<string, string[]>();
    for (const member of members) byGroup.set(member.group_id, [...(byGroup.get(member.group_id) ?? []), member.user_id]);

    return new Map(
      rows.map((row) => [row.id, { id: row.id, name: row.name, memberIds: (byGroup.get(row.id) ?? []).sort(), removed: row.removed_at !== null }]),
    );
  }

  async listGroups(): Promise<{ id: string; name: string; members: number; removed: boolean }[]> {
    const rows = await this.db
      .selectFrom('dhis2_user_groups as g')
      .leftJoin('dhis2_user_group_members as m', 'm.group_id', 'g.id')
      .select(['g.id', 'g.name', 'g.removed_at', (eb) => eb.fn.count<number>('m.user_id').as('members')])
      .groupBy(['g.id', 'g.name', 'g.removed_at'])
      .orderBy('g.name')
      .execute();
    return rows.map((row) => ({ id: row.id, name: row.name, members: Number(row.members), removed: row.removed_at !== null }));
  }

  async memberIds(groupId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('dhis2_user_group_members').select('user_id').where('group_id', '=', groupId).execute();
    return rows.map((row) => row.user_id);
  }

  /** Ids of the groups a user belongs to. */
  async groupsOfUser(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('dhis2_user_group_members').select('group_id').where('user_id', '=', userId).execute();
    return rows.map((row) => row.group_id);
  }

  async insertUsers(users: readonly SyncedDhis2User[], now: number): Promise<void> {
    for (let start = 0; start < users.length; start += BATCH) {
      const slice = users.slice(start, start + BATCH);
      await this.db.insertInto('dhis2_users').values(slice.map((user) => userRow(user, now))).execute();
      await this.insertUserUnits(slice);
    }
  }

  async updateUser(user: SyncedDhis2User, now: number): Promise<void> {
    const { id, ...values } = userRow(user, now);
    await this.db.updateTable('dhis2_users').set({ ...values, removed_at: null }).where('id', '=', id).execute();
    await this.db.deleteFrom('dhis2_user_org_units').where('user_id', '=', id).execute();
    await this.insertUserUnits([user]);
  }

  async markUsersRemoved(ids: readonly string[], now: number): Promise<void> {
    for (let start = 0; start < ids.length; start += BATCH) {
      await this.db.updateTable('dhis2_users').set({ removed_at: now }).where('id', 'in', ids.slice(start, start + BATCH)).execute();
    }
  }

  /** Writes a group and replaces its members with those stored as users. */
  async saveGroup(group: SyncedDhis2Group, knownUserIds: ReadonlySet<string>, exists: boolean, now: number): Promise<void> {
    if (exists) {
      await this.db.updateTable('dhis2_user_groups').set({ name: group.name, removed_at: null, synced_at: now }).where('id', '=', group.id).execute();
      await this.db.deleteFrom('dhis2_user_group_members').where('group_id', '=', group.id).execute();
    } else {
      await this.db.insertInto('dhis2_user_groups').values({ id: group.id, name: group.name, removed_at: null, synced_at: now }).execute();
    }

    const members = group.memberIds.filter((id) => knownUserIds.has(id));
    for (let start = 0; start < members.length; start += BATCH) {
      const rows = members.slice(start, start + BATCH).map((userId) => ({ user_id: userId, group_id: group.id }));
      await this.db.insertInto('dhis2_user_group_members').values(rows).execute();
    }
  }

  async markGroupsRemoved(ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('dhis2_user_groups').set({ removed_at: now }).where('id', 'in', ids).execute();
    await this.db.deleteFrom('dhis2_user_group_members').where('group_id', 'in', ids).execute();
  }

  private async insertUserUnits(users: readonly SyncedDhis2User[]): Promise<void> {
    const rows = users.flatMap((user) => user.orgUnitIds.map((unitId) => ({ user_id: user.id, org_unit_id: unitId })));
    for (let start = 0; start < rows.length; start += BATCH) {
      await this.db.insertInto('dhis2_user_org_units').values(rows.slice(start, start + BATCH)).execute();
    }
  }
}

function userRow(user: SyncedDhis2User, now: number) {
  return {
    id: user.id,
    username: user.username,
    first_name: user.firstName,
    surname: user.surname,
    email: user.email,
    disabled: user.disabled ? 1 : 0,
    last_login_at: user.lastLoginAt,
    synced_at: now,
  };
}
