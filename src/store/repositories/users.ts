import type { Db } from '../database.js';
import type { Role, UserAuthSource, UserRow } from '../schema.js';

/** Console users and their sessions. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  async insert(
    user: { id: string; username: string; passwordHash: string; role: Role; authSource?: UserAuthSource },
    now = Date.now(),
  ) {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        username: user.username,
        password_hash: user.passwordHash,
        role: user.role,
        disabled: 0,
        created_at: now,
        updated_at: now,
        auth_source: user.authSource ?? 'local',
      })
      .execute();
  }

  async setRole(id: string, role: Role, now = Date.now()): Promise<void> {
    await this.db.updateTable('users').set({ role, updated_at: now }).where('id', '=', id).execute();
  }

  async setDisabled(id: string, disabled: boolean, now = Date.now()): Promise<void> {
    await this.db.updateTable('users').set({ disabled: disabled ? 1 : 0, updated_at: now }).where('id', '=', id).execute();
  }

  /** Org units whose subtrees the user may see; empty for a user who sees the whole fleet. */
  async listScopeUnitIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_org_unit_scopes')
      .select('org_unit_id')
      .where('user_id', '=', userId)
      .orderBy('org_unit_id')
      .execute();
    return rows.map((row) => row.org_unit_id);
  }

  /** Scope units of every user, keyed by user id. */
  async listAllScopes(): Promise<Map<string, string[]>> {
    const rows = await this.db.selectFrom('user_org_unit_scopes').selectAll().orderBy('org_unit_id').execute();
    const byUser = new Map<string, string[]>();
    for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row.org_unit_id]);
    return byUser;
  }

  /** Replaces the user's scope units in one transaction. */
  async replaceScopes(userId: string, orgUnitIds: readonly string[], now = Date.now()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_org_unit_scopes').where('user_id', '=', userId).execute();
      if (orgUnitIds.length === 0) return;
      await trx
        .insertInto('user_org_unit_scopes')
        .values([...new Set(orgUnitIds)].map((orgUnitId) => ({ user_id: userId, org_unit_id: orgUnitId, created_at: now })))
        .execute();
    });
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().orderBy('username').execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setPasswordHash(id: string, passwordHash: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', id).execute();
  }

  async insertSession(session: { idHash: string; userId: string; csrfToken: string; expiresAt: number }, now = Date.now()) {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: session.idHash,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        created_at: now,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async findSession(idHash: string) {
    return this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  /** Deletes the sessions of one user and returns how many it deleted. */
  async deleteSessionsOfUser(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes the sessions of every user who signs in through `authSource`; returns how many it deleted. */
  async deleteSessionsOfAuthSource(authSource: UserAuthSource): Promise<number> {
    const users = this.db.selectFrom('users').select('id').where('auth_source', '=', authSource);
    const result = await this.db.deleteFrom('sessions').where('user_id', 'in', users).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes sessions that expired before `now`; returns how many it deleted. */
  async deleteExpiredSessions(now = Date.now()): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
