import type { Caller } from '../../auth/caller.js';
import { checkCredentials } from '../../auth/login.js';
import { createSession, deleteSession, type IssuedSession } from '../../auth/sessions.js';
import type { AppContext } from '../../context.js';
import { UnauthorizedError } from '../../domain/errors.js';

export interface LoginInput {
  username: string;
  password: string;
  clientIp: string;
  /** Session token the browser still sent, ended so each login gets a new session id. */
  previousToken: string | undefined;
}

/**
 * Signs a console user in and returns a new session. Throws
 * UnauthorizedError with one message for every kind of failed attempt.
 */
export async function login(ctx: AppContext, input: LoginInput): Promise<{ user: Caller; session: IssuedSession }> {
  const now = ctx.now();
  await ctx.store.users.deleteExpiredSessions(now);
  if (input.previousToken !== undefined) await deleteSession(ctx, input.previousToken);

  const user = await checkCredentials(ctx, input.username, input.password);
  if (!user) {
    // The username is recorded only when it exists, so a password typed into
    // the username field never reaches the audit trail.
    const known = (await ctx.store.users.findByUsername(input.username)) !== undefined;
    await ctx.store.audit.record(
      {
        actor: 'anonymous',
        action: 'auth.login_failed',
        targetType: 'user',
        details: known ? { username: input.username, ip: input.clientIp } : { unknownUser: true, ip: input.clientIp },
      },
      now,
    );
    throw new UnauthorizedError('Wrong username or password, or the user is disabled.');
  }

  const session = await createSession(ctx, user.userId);
  await ctx.store.audit.record(
    { actor: user.username, action: 'auth.login', targetType: 'user', targetId: user.userId, details: { ip: input.clientIp } },
    now,
  );
  return { user, session };
}

/** Ends the caller's session. */
export async function logout(ctx: AppContext, caller: Caller, token: string): Promise<void> {
  await deleteSession(ctx, token);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'auth.logout', targetType: 'user', targetId: caller.userId },
    ctx.now(),
  );
}
