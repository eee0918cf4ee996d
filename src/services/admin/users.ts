import { requireRole, type Caller } from '../../auth/caller.js';
import { hashPassword, passwordProblem } from '../../auth/passwords.js';
import type { AppContext } from '../../context.js';
import { ConflictError, InvalidInputError } from '../../domain/errors.js';
import type { ConsoleRole } from '../../domain/roles.js';
import { newId } from '../../store/ids.js';
import type { UserRow } from '../../store/schema.js';

export interface UserView {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: number;
}

export interface NewUserInput {
  username: string;
  password: string;
  role: ConsoleRole;
}

/** Same rule as the `outpost admin create` command, so a user made in one place can sign in from the other. */
export const USERNAME_PATTERN = '^[A-Za-z0-9._@-]{1,64}$';

export async function listUsers(ctx: AppContext, caller: Caller): Promise<UserView[]> {
  requireRole(caller, 'admin');

  const rows = await ctx.store.users.list();
  return rows.map(toUserView);
}

/** Creates a console user; the password is stored only as an argon2id hash. */
export async function createUser(ctx: AppContext, caller: Caller, input: NewUserInput): Promise<UserView> {
  requireRole(caller, 'admin');

  if (!new RegExp(USERNAME_PATTERN).test(input.username)) {
    throw new InvalidInputError(
      `Invalid username "${input.username}": use 1 to 64 letters, digits or the characters . _ @ -.`,
      'body.username',
    );
  }
  const problem = passwordProblem(input.password);
  if (problem) throw new InvalidInputError(`Invalid password: it ${problem}.`, 'body.password');
  if (await ctx.store.users.findByUsername(input.username)) {
    throw new ConflictError('user_exists', `The user "${input.username}" already exists; choose another username.`, 'body.username');
  }

  const id = newId();
  const now = ctx.now();
  await ctx.store.users.insert({ id, username: input.username, passwordHash: await hashPassword(input.password), role: input.role }, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'user.create', targetType: 'user', targetId: id, details: { username: input.username, role: input.role } },
    now,
  );

  const row = await ctx.store.users.findById(id);
  if (!row) throw new Error(`User ${id} vanished right after it was inserted`);
  return toUserView(row);
}

function toUserView(row: UserRow): UserView {
  return { id: row.id, username: row.username, role: row.role, disabled: row.disabled !== 0, createdAt: row.created_at };
}
