import { readDhis2LoginSettings, roleOfGroups } from '../../auth/dhis2-login.js';
import type { AppContext } from '../../context.js';
import type { UserRow } from '../../store/schema.js';

/** Counts of the changes a DHIS2 sync made to the records of DHIS2 sign-in users. */
export interface ShadowUserChanges {
  ended: number;
  roleChanged: number;
  scopeChanged: number;
}

interface DirectoryAccount {
  disabled: boolean;
  removed: boolean;
  groupIds: string[];
  orgUnitIds: string[];
}

/**
 * Applies the synced DHIS2 directory to the users who signed in with DHIS2,
 * so their access follows DHIS2 from one sync to the next instead of
 * staying as it was at sign-in. A user disabled or removed in DHIS2, or
 * left with no mapped group or no org unit, loses every session. A changed
 * group or org unit changes the role or scope at once. Users the directory
 * does not know keep what they have.
 */
export async function applyDirectoryToShadowUsers(ctx: AppContext, now: number): Promise<ShadowUserChanges> {
  const changes: ShadowUserChanges = { ended: 0, roleChanged: 0, scopeChanged: 0 };
  const settings = await readDhis2LoginSettings(ctx);
  // Turning sign-in with DHIS2 off already ended these sessions.
  if (!settings.enabled) return changes;

  const shadows = (await ctx.store.users.list()).filter((user) => user.auth_source === 'dhis2' && user.disabled === 0);
  if (shadows.length === 0) return changes;
  const accounts = await loadAccountsByUsername(ctx);
  const scopes = await ctx.store.users.listAllScopes();

  for (const user of shadows) {
    const account = accounts.get(user.username);
    if (!account) continue;

    const role = roleOfGroups(settings, account.groupIds);
    const reason = lossReason(account);
    if (reason !== null || role === null) {
      if (await endAccess(ctx, user, reason ?? 'no mapped user group', now)) changes.ended += 1;
      continue;
    }

    if (role !== user.role) {
      await ctx.store.users.setRole(user.id, role, now);
      await audit(ctx, user, 'auth.dhis2_role_changed', { before: user.role, after: role }, now);
      changes.roleChanged += 1;
    }
    const scope = [...(scopes.get(user.id) ?? [])].sort();
    if (scope.join(',') !== account.orgUnitIds.join(',')) {
      await ctx.store.users.replaceScopes(user.id, account.orgUnitIds, now);
      await audit(ctx, user, 'auth.dhis2_scope_changed', { before: scope, after: account.orgUnitIds }, now);
      changes.scopeChanged += 1;
    }
  }
  return changes;
}

/** Returns why the account may no longer use Outpost, or null. A missing mapped group is checked apart. */
function lossReason(account: DirectoryAccount): string | null {
  if (account.removed) return 'removed in DHIS2';
  if (account.disabled) return 'disabled in DHIS2';
  if (account.orgUnitIds.length === 0) return 'no org units in DHIS2';
  return null;
}

async function loadAccountsByUsername(ctx: AppContext): Promise<Map<string, DirectoryAccount>> {
  const users = await ctx.store.dhis2Directory.loadUsers();
  const groupIdsByUser = new Map<string, string[]>();
  for (const group of (await ctx.store.dhis2Directory.loadGroups()).values()) {
    if (group.removed) continue;
    for (const memberId of group.memberIds) groupIdsByUser.set(memberId, [...(groupIdsByUser.get(memberId) ?? []), group.id]);
  }

  const accounts = new Map<string, DirectoryAccount>();
  for (const user of users.values()) {
    accounts.set(user.username, {
      disabled: user.disabled,
      removed: user.removed,
      groupIds: groupIdsByUser.get(user.id) ?? [],
      orgUnitIds: [...user.orgUnitIds].sort(),
    });
  }
  return accounts;
}

/**
 * Ends the sessions of a user DHIS2 no longer lets in and returns true, or
 * returns false when there were none. Such a user stays in the directory, so
 * every later sync comes here again, and an audit entry each time would
 * fill the audit log with events that changed nothing.
 */
async function endAccess(ctx: AppContext, user: UserRow, reason: string, now: number): Promise<boolean> {
  if ((await ctx.store.users.deleteSessionsOfUser(user.id)) === 0) return false;
  await audit(ctx, user, 'auth.dhis2_access_ended', { reason }, now);
  ctx.logger.info({ userId: user.id, reason }, 'dhis2 sign-in sessions ended after sync');
  return true;
}

async function audit(ctx: AppContext, user: UserRow, action: string, details: Record<string, unknown>, now: number): Promise<void> {
  await ctx.store.audit.record({ actor: 'system', action, targetType: 'user', targetId: user.id, details: { username: user.username, ...details } }, now);
}
