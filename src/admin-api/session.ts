import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Caller } from '../auth/caller.js';
import { csrfTokenMatches, findSession, SESSION_COOKIE, type IssuedSession } from '../auth/sessions.js';
import { routePrefix } from '../config.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';

export const CSRF_HEADER = 'x-csrf-token';

// Methods that change nothing, so a forged cross-site request gains nothing.
const SAFE_METHODS = new Set(['GET', 'HEAD']);

interface RequestSession {
  caller: Caller;
  csrfToken: string;
  token: string;
}

const sessions = new WeakMap<FastifyRequest, RequestSession>();

/**
 * Requires a live session on every route of `app`, and the session's CSRF
 * token in the X-CSRF-Token header on every method other than GET and HEAD.
 * Runs at onRequest, before any body is read.
 */
export function requireSession(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw new UnauthorizedError('Not signed in: sign in with POST /api/v1/auth/login first.');

    const session = await findSession(ctx, token);
    if (!session) throw new UnauthorizedError('The session has expired or was ended; sign in again.');

    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers[CSRF_HEADER];
      if (!csrfTokenMatches(session.csrfToken, typeof header === 'string' ? header : undefined)) {
        throw new ForbiddenError(
          'Missing or wrong X-CSRF-Token header. Send the csrfToken returned by login or GET /api/v1/auth/session.',
          'csrf_failed',
        );
      }
    }
    sessions.set(request, { caller: session.caller, csrfToken: session.csrfToken, token });
  });
}

/** Returns the signed-in caller of a request that passed requireSession. */
export function callerOf(request: FastifyRequest): Caller {
  return sessionOf(request).caller;
}

export function sessionOf(request: FastifyRequest): RequestSession {
  const session = sessions.get(request);
  if (!session) throw new UnauthorizedError('Not signed in: sign in with POST /api/v1/auth/login first.');
  return session;
}

/**
 * Sets the session cookie: HttpOnly so scripts cannot read it, SameSite=Strict
 * so other sites cannot send it, Secure when the public URL is https, and
 * scoped to the project path.
 */
export function setSessionCookie(reply: FastifyReply, ctx: AppContext, session: IssuedSession): void {
  void reply.setCookie(SESSION_COOKIE, session.token, {
    ...cookieScope(ctx),
    maxAge: Math.floor((session.expiresAt - ctx.now()) / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, ctx: AppContext): void {
  void reply.clearCookie(SESSION_COOKIE, cookieScope(ctx));
}

function cookieScope(ctx: AppContext) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.config.publicUrl.protocol === 'https:',
    path: routePrefix(ctx.config) || '/',
  };
}
