import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import { hashPassword, passwordProblem, randomPassword } from '../../auth/passwords.js';
import type { AppContext } from '../../context.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import type { ConsoleRole } from '../../domain/roles.js';
import { newId } from '../../store/ids.js';
import type { UserRow } from '../../store/schema.js';

export interface UserScopeUnit {
  id: string;
  /** Null when the unit no longer exists, e.g. after a DHIS2 sync removed it. */
  name: string | null;
  path: string | null;
}

export interface UserView {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: number;
  authSource: 'local' | 'dhis2';
  /** Org units whose subtrees the user may see; empty for the whole fleet. */
  orgUnits: UserScopeUnit[];
}

export interface NewUserInput {
  username: string;
  /** Absent: a random password is generated and returned once. */
  password?: string;
  role: ConsoleRole;
  orgUnitIds?: string[];
}

export interface UserChanges {
  role?: ConsoleRole;
  orgUnitIds?: string[];
  disabled?: boolean;
}

/** Same rule as the `outpost admin create` command, so a user made in one place can sign in from the other. */
export const USERNAME_PATTERN = '^[A-Za-z0-9._@-]{1,64}$';

/** A user's scope lists units one by one; a hundred covers a region's districts. */
export const MAX_SCOPE_UNITS = 100;

// User management needs an admin who sees the whole fleet: an admin limited
// to a district could otherwise create a fleet-wide user and widen their own reach.
function requireUserAdmin(caller: Caller): void {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Managing console users');
}

export async function listUsers(ctx: AppContext, caller: Caller): Promise<UserView[]> {
  requireUserAdmin(caller);

  const rows = await ctx.store.users.list();
  const scopes = await ctx.store.users.listAllScopes();
  const views: UserView[] = [];
  for (const row of rows) views.push(await toUserView(ctx, row, scopes.get(row.id) ?? []));
  return views;
}

/**
 * Creates a console user; the password is stored only as an argon2id hash.
 * Without a password, a random one is generated and returned this once.
 */
export async function createUser(
  ctx: AppContext,
  caller: Caller,
  input: NewUserInput,
): Promise<UserView & { generatedPassword?: string }> {
  requireUserAdmin(caller);

  if (!new RegExp(USERNAME_PATTERN).test(input.username)) {
    throw new InvalidInputError(
      `Invalid username "${input.username}": use 1 to 64 letters, digits or the characters . _ @ -.`,
      'body.username',
    );
  }
  const password = input.password ?? randomPassword();
  const problem = passwordProblem(password);
  if (problem) throw new InvalidInputError(`Invalid password: it ${problem}.`, 'body.password');
  const orgUnitIds = await checkScopeUnits(ctx, input.orgUnitIds ?? []);
  if (await ctx.store.users.findByUsername(input.username)) {
    throw new ConflictError('user_exists', `The user "${input.username}" already exists; choose another username.`, 'body.username');
  }

  const id = newId();
  const now = ctx.now();
  await ctx.store.users.insert({ id, username: input.username, passwordHash: await hashPassword(password), role: input.role }, now);
  if (orgUnitIds.length > 0) await ctx.store.users.replaceScopes(id, orgUnitIds, now);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'user.create',
      targetType: 'user',
      targetId: id,
      details: { username: input.username, role: input.role, orgUnitIds, passwordGenerated: input.password === undefined },
    },
    now,
  );

  const view = await toUserView(ctx, await findUserOrThrow(ctx, id), orgUnitIds);
  return input.password === undefined ? { ...view, generatedPassword: password } : view;
}

/**
 * Changes a user's role, org-unit scope or disabled flag. The last enabled
 * fleet-wide admin cannot be demoted, limited or disabled, so the console
 * always keeps someone who can manage it.
 */
export async function updateUser(ctx: AppContext, caller: Caller, id: string, changes: UserChanges): Promise<UserView> {
  requireUserAdmin(caller);

  if (changes.role === undefined && changes.orgUnitIds === undefined && changes.disabled === undefined) {
    throw new InvalidInputError('Nothing to change: send role, orgUnitIds, disabled or several of them.', 'body');
  }
  const user = await findUserOrThrow(ctx, id);
  const before = await ctx.store.users.listScopeUnitIds(id);
  const orgUnitIds = changes.orgUnitIds === undefined ? undefined : await checkScopeUnits(ctx, changes.orgUnitIds);
  await keepOneFleetAdmin(ctx, user, changes, orgUnitIds);

  const now = ctx.now();
  if (changes.role !== undefined) await ctx.store.users.setRole(id, changes.role, now);
  if (orgUnitIds !== undefined) await ctx.store.users.replaceScopes(id, orgUnitIds, now);
  if (changes.disabled !== undefined) {
    await ctx.store.users.setDisabled(id, changes.disabled, now);
    if (changes.disabled) await ctx.store.users.deleteSessionsOfUser(id);
  }
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'user.update',
      targetType: 'user',
      targetId: id,
      details: {
        username: user.username,
        ...(changes.role !== undefined && { role: { from: user.role, to: changes.role } }),
        ...(orgUnitIds !== undefined && { orgUnitIds: { from: before, to: orgUnitIds } }),
        ...(changes.disabled !== undefined && { disabled: { from: user.disabled !== 0, to: changes.disabled } }),
      },
    },
    now,
  );
  return toUserView(ctx, await findUserOrThrow(ctx, id), await ctx.store.users.listScopeUnitIds(id));
}

/**
 * Sets a new password for a local user and ends the user's sessions.
 * Without a password, a random one is generated and returned this once.
 */
export async function resetUserPassword(
  ctx: AppContext,
  caller: Caller,
  id: string,
  input: { password?: string },
): Promise<{ generatedPassword?: string }> {
  requireUserAdmin(caller);

  const user = await findUserOrThrow(ctx, id);
  if (user.auth_source !== 'local') {
    throw new ConflictError('dhis2_user', `"${user.username}" signs in with DHIS2; change the password in DHIS2.`, 'params.id');
  }
  const password = input.password ?? randomPassword();
  const problem = passwordProblem(password);
  if (problem) throw new InvalidInputError(`Invalid password: it ${problem}.`, 'body.password');

  const now = ctx.now();
  await ctx.store.users.setPasswordHash(id, await hashPassword(password), now);
  await ctx.store.users.deleteSessionsOfUser(id);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'user.password_reset',
      targetType: 'user',
      targetId: id,
      details: { username: user.username, passwordGenerated: input.password === undefined },
    },
    now,
  );
  return input.password === undefined ? { generatedPassword: password } : {};
}

async function findUserOrThrow(ctx: AppContext, id: string): Promise<UserRow> {
  const user = await ctx.store.users.findById(id);
  if (!user) throw new NotFoundError(`User ${id} was not found. Take the id from the user list.`, 'params.id');
  return user;
}

async function checkScopeUnits(ctx: AppContext, orgUnitIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(orgUnitIds)];
  if (unique.length > MAX_SCOPE_UNITS) {
    throw new InvalidInputError(`A user may be limited to at most ${MAX_SCOPE_UNITS} org units; choose their common parents.`, 'body.orgUnitIds');
  }
  for (const [index, unitId] of unique.entries()) {
    if (!(await ctx.store.orgUnits.findById(unitId))) {
      throw new NotFoundError(`Org unit ${unitId} was not found. Choose units from the org unit tree.`, `body.orgUnitIds[${index}]`);
    }
  }
  return unique;
}

async function keepOneFleetAdmin(ctx: AppContext, user: UserRow, changes: UserChanges, orgUnitIds: string[] | undefined): Promise<void> {
  const isFleetAdmin = (row: UserRow, scope: readonly string[]) => row.role === 'admin' && row.disabled === 0 && scope.length === 0;
  if (!isFleetAdmin(user, await ctx.store.users.listScopeUnitIds(user.id))) return;

  const after = { ...user, role: changes.role ?? user.role, disabled: changes.disabled === undefined ? user.disabled : Number(changes.disabled) };
  if (isFleetAdmin(after, orgUnitIds ?? [])) return;

  const scopes = await ctx.store.users.listAllScopes();
  const others = (await ctx.store.users.list()).filter((row) => row.id !== user.id && isFleetAdmin(row, scopes.get(row.id) ?? []));
  if (others.length === 0) {
    throw new ConflictError(
      'last_admin',
      `"${user.username}" is the last enabled admin who sees the whole fleet; make another such admin first.`,
      'params.id',
    );
  }
}

async function toUserView(ctx: AppContext, row: UserRow, scopeIds: readonly string[]): Promise<UserView> {
  const orgUnits: UserScopeUnit[] = [];
  for (const id of scopeIds) {
    const unit = await ctx.store.orgUnits.findById(id);
    orgUnits.push({ id, name: unit?.name ?? null, path: unit?.path ?? null });
  }
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    authSource: row.auth_source,
    orgUnits,
  };
}
