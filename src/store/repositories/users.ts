import type { Db } from '../database.js';
import type { Role, UserRow } from '../schema.js';

/** Console users and their sessions. */
export class UserRepository {
  constructor(private readonly db: Db) {}

  async insert(user: { id: string; username: string; passwordHash: string; role: Role }, now = Date.now()) {
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
      })
      .execute();
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

  async deleteSessionsOfUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  /** Deletes sessions that expired before `now`; returns how many it deleted. */
  async deleteExpiredSessions(now = Date.now()): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
