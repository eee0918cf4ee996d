import type { AppContext } from '../context.js';
import { newId } from '../store/ids.js';
import { hashPassword, randomPassword } from './passwords.js';

/**
 * Creates the user `admin` when no user exists, with OUTPOST_ADMIN_PASSWORD
 * or a random password shown once through `announce` and never logged.
 */
export async function ensureFirstAdmin(ctx: AppContext, announce: (line: string) => void): Promise<void> {
  if ((await ctx.store.users.count()) > 0) return;

  const generated = ctx.config.initialAdminPassword === null;
  const password = ctx.config.initialAdminPassword ?? randomPassword();
  const id = newId();
  await ctx.store.users.insert({ id, username: 'admin', passwordHash: await hashPassword(password), role: 'admin' });
  await ctx.store.audit.record({ actor: 'system', action: 'user.create', targetType: 'user', targetId: id, details: { username: 'admin', role: 'admin' } });

  ctx.logger.info({ username: 'admin', passwordSource: generated ? 'generated' : 'OUTPOST_ADMIN_PASSWORD' }, 'first admin user created');
  if (generated) {
    announce(`Created the console user "admin" with password: ${password}`);
    announce('It is shown only this once; change it with "outpost admin reset-password admin".');
  }
}
