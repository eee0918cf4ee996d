import type { AppContext } from '../context.js';
import { isConsoleRole } from '../domain/roles.js';
import type { Caller } from './caller.js';
import { loadUserScope } from './scope.js';
import { hashPassword, randomPassword, verifyPassword } from './passwords.js';

let decoyHash: Promise<string> | null = null;

/**
 * Checks a username and password. Returns the user, or null for an unknown
 * or disabled user or a wrong password. An unknown username still costs one
 * argon2 verification, so response times do not reveal which usernames exist.
 */
export async function checkCredentials(ctx: AppContext, username: string, password: string): Promise<Caller | null> {
  const user = await ctx.store.users.findByUsername(username);

  if (!user) {
    decoyHash ??= hashPassword(randomPassword());
    await verifyPassword(await decoyHash, password);
    return null;
  }

  const valid = await verifyPassword(user.password_hash, password);
  if (!valid || user.disabled !== 0 || user.auth_source !== 'local' || !isConsoleRole(user.role)) return null;
  return { userId: user.id, username: user.username, role: user.role, scope: await loadUserScope(ctx, user.id) };
}
