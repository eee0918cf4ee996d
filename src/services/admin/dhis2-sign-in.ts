import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import {
  checkDhis2Credentials,
  DHIS2_LOGIN_KEY,
  readDhis2LoginSettings,
  roleOfGroups,
  type Dhis2LoginSettings,
} from '../../auth/dhis2-login.js';
import { loadUserScope } from '../../auth/scope.js';
import { createSession, deleteSession, type IssuedSession } from '../../auth/sessions.js';
import type { AppContext } from '../../context.js';
import { ConflictError, ForbiddenError, InvalidInputError, UnauthorizedError } from '../../domain/errors.js';
import { newId } from '../../store/ids.js';

/** Each group maps to one role; a hundred mappings cover any programme's groups. */
export const MAX_GROUP_MAPPINGS = 100;

// DHIS2 uids are 11 letters and digits, starting with a letter.
const DHIS2_UID = /^[A-Za-z][A-Za-z0-9]{10}$/;

// Stored for DHIS2 users instead of a hash: argon2 cannot parse it, so no
// password ever matches it and local sign-in always fails for them.
const NO_LOCAL_PASSWORD = '!dhis2';

const REJECTED_MESSAGE = 'Wrong DHIS2 username or password, or this DHIS2 user may not use Outpost.';

export interface Dhis2SignInInput {
  username: string;
  password: string;
  clientIp: string;
  previousToken: string | undefined;
}

/** Returns the sign-in methods the login page offers; needs no session. */
export async function getLoginMethods(ctx: AppContext): Promise<{ local: true; dhis2: boolean }> {
  const settings = await readDhis2LoginSettings(ctx);
  return { local: true, dhis2: settings.enabled };
}

export async function getDhis2LoginSettings(ctx: AppContext, caller: Caller): Promise<Dhis2LoginSettings> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Reading the DHIS2 sign-in settings');
  return readDhis2LoginSettings(ctx);
}

/** Lists the DHIS2 user groups the last sync stored, for the group-to-role mapping. */
export async function listDhis2SignInGroups(
  ctx: AppContext,
  caller: Caller,
): Promise<Array<{ id: string; name: string; members: number; removed: boolean }>> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Reading the DHIS2 sign-in settings');
  return ctx.store.dhis2Directory.listGroups();
}

/** Turns "sign in with DHIS2" on or off and sets which DHIS2 user groups get which role. */
export async function saveDhis2LoginSettings(ctx: AppContext, caller: Caller, input: Dhis2LoginSettings): Promise<Dhis2LoginSettings> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing the DHIS2 sign-in settings');

  const seen = new Set<string>();
  for (const [index, mapping] of input.groupRoles.entries()) {
    const field = `body.groupRoles[${index}].groupId`;
    if (!DHIS2_UID.test(mapping.groupId)) {
      throw new InvalidInputError(`"${mapping.groupId}" is not a DHIS2 uid: give the user group's 11-character id.`, field);
    }
    if (seen.has(mapping.groupId)) throw new InvalidInputError(`The group ${mapping.groupId} is mapped twice; keep one role per group.`, field);
    seen.add(mapping.groupId);
  }
  if (input.enabled && input.groupRoles.length === 0) {
    throw new InvalidInputError('Map at least one DHIS2 user group to a role before turning sign-in with DHIS2 on.', 'body.groupRoles');
  }

  const settings: Dhis2LoginSettings = { enabled: input.enabled, groupRoles: input.groupRoles.map(({ groupId, role }) => ({ groupId, role })) };
  const now = ctx.now();
  await ctx.store.settings.set(DHIS2_LOGIN_KEY, settings, now);
  // Turning the feature off also signs out everyone who signed in through it.
  const endedSessions = settings.enabled ? 0 : await ctx.store.users.deleteSessionsOfAuthSource('dhis2');
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'auth.dhis2_login_settings',
      targetType: 'setting',
      targetId: DHIS2_LOGIN_KEY,
      details: { ...settings, endedSessions },
    },
    now,
  );
  return settings;
}

/**
 * Signs a console user in with DHIS2 credentials. DHIS2 checks them; the
 * user's groups give the role and the user's org units the scope, both
 * refreshed at every sign-in. A local user of the same name, or one an
 * admin disabled in Outpost, is rejected.
 */
export async function loginWithDhis2(ctx: AppContext, input: Dhis2SignInInput) {
  const now = ctx.now();
  const settings = await readDhis2LoginSettings(ctx);
  if (!settings.enabled) throw new ForbiddenError('Sign-in with DHIS2 is turned off; sign in with an Outpost account.', 'dhis2_login_off');
  if (input.previousToken !== undefined) await deleteSession(ctx, input.previousToken);

  const account = await checkDhis2Credentials(ctx, input.username, input.password);
  if (account === 'not_configured') {
    throw new ConflictError('dhis2_not_connected', 'Outpost has no DHIS2 connection; an admin must set one up first.');
  }
  if (account === 'unreachable') {
    throw new ConflictError('dhis2_unreachable', 'DHIS2 could not be reached or returned no usable response. Try again later, or sign in with an Outpost account.');
  }

  const rejection = account === 'rejected' ? 'credentials' : await rejectionReasonOf(ctx, settings, account);
  if (rejection !== null) {
    await ctx.store.audit.record(
      { actor: 'anonymous', action: 'auth.login_failed', targetType: 'user', details: { method: 'dhis2', reason: rejection, ip: input.clientIp } },
      now,
    );
    throw new UnauthorizedError(REJECTED_MESSAGE);
  }
  if (account === 'rejected') throw new UnauthorizedError(REJECTED_MESSAGE);

  const role = roleOfGroups(settings, account.groupIds);
  if (role === null) throw new UnauthorizedError(REJECTED_MESSAGE);
  const userId = await saveShadowUser(ctx, account.username, role, account.orgUnitIds, now);

  const session: IssuedSession = await createSession(ctx, userId);
  await ctx.store.audit.record(
    {
      actor: account.username,
      action: 'auth.login',
      targetType: 'user',
      targetId: userId,
      details: { ip: input.clientIp, method: 'dhis2', dhis2UserId: account.id, role, orgUnitIds: account.orgUnitIds },
    },
    now,
  );
  const user = { userId, username: account.username, role, scope: await loadUserScope(ctx, userId) };
  return { user, session };
}

async function rejectionReasonOf(
  ctx: AppContext,
  settings: Dhis2LoginSettings,
  account: { username: string; disabled: boolean; groupIds: string[]; orgUnitIds: string[] },
): Promise<string | null> {
  if (account.disabled) return 'disabled in DHIS2';
  if (roleOfGroups(settings, account.groupIds) === null) return 'no mapped user group';
  if (account.orgUnitIds.length === 0) return 'no org units in DHIS2';

  const existing = await ctx.store.users.findByUsername(account.username);
  if (existing && existing.auth_source !== 'dhis2') return 'a local user has this username';
  if (existing && existing.disabled !== 0) return 'disabled in Outpost';
  return null;
}

/** Creates or refreshes the Outpost record of a DHIS2 user, which sessions and the audit trail refer to. */
async function saveShadowUser(ctx: AppContext, username: string, role: Caller['role'], orgUnitIds: string[], now: number): Promise<string> {
  const existing = await ctx.store.users.findByUsername(username);
  const id = existing?.id ?? newId();
  if (existing) await ctx.store.users.setRole(id, role, now);
  else await ctx.store.users.insert({ id, username, passwordHash: NO_LOCAL_PASSWORD, role, authSource: 'dhis2' }, now);

  await ctx.store.users.replaceScopes(id, orgUnitIds, now);
  return id;
}
