import { createHash, timingSafeEqual } from 'node:crypto';

import type { AppContext } from '../context.js';
import { isConsoleRole } from '../domain/roles.js';
import { newToken } from '../store/ids.js';
import type { Caller } from './caller.js';
import { loadUserScope } from './scope.js';

/** Name of the cookie that carries the session token. */
export const SESSION_COOKIE = 'outpost_session';

/** A session as issued to the browser: the cookie value, the CSRF token and the expiry time. */
export interface IssuedSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export interface ActiveSession {
  caller: Caller;
  csrfToken: string;
  expiresAt: number;
}

/**
 * Returns the value stored for a session token. Only the SHA-256 is kept,
 * so someone who reads the database cannot sign in with it.
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates a session with fresh random session and CSRF tokens. */
export async function createSession(ctx: AppContext, userId: string): Promise<IssuedSession> {
  const now = ctx.now();
  const session = {
    token: newToken(),
    csrfToken: newToken(),
    expiresAt: now + ctx.config.sessionHours * 3_600_000,
  };

  await ctx.store.users.insertSession(
    { idHash: hashSessionToken(session.token), userId, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
    now,
  );
  return session;
}

/** Finds the live session of a token, or null when it is unknown, expired or its user is disabled. */
export async function findSession(ctx: AppContext, token: string): Promise<ActiveSession | null> {
  const session = await ctx.store.users.findSession(hashSessionToken(token));
  if (!session || session.expires_at <= ctx.now()) return null;

  const user = await ctx.store.users.findById(session.user_id);
  if (!user || user.disabled !== 0 || !isConsoleRole(user.role)) return null;

  return {
    caller: { userId: user.id, username: user.username, role: user.role, scope: await loadUserScope(ctx, user.id) },
    csrfToken: session.csrf_token,
    expiresAt: session.expires_at,
  };
}

export async function deleteSession(ctx: AppContext, token: string): Promise<void> {
  await ctx.store.users.deleteSession(hashSessionToken(token));
}

/** Compares a CSRF token from a request header with the session's in constant time. */
export function csrfTokenMatches(expected: string, received: string | undefined): boolean {
  if (received === undefined) return false;

  const expectedBytes = Buffer.from(expected, 'utf8');
  const receivedBytes = Buffer.from(received, 'utf8');
  return expectedBytes.length === receivedBytes.length && timingSafeEqual(expectedBytes, receivedBytes);
}
