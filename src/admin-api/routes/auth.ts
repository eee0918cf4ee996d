import rateLimit from '@fastify/rate-limit';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import { SESSION_COOKIE } from '../../auth/sessions.js';
import type { AppContext } from '../../context.js';
import { login, logout } from '../../services/admin/auth.js';
import { responses, RoleSchema, tagged } from '../schemas.js';
import { callerOf, clearSessionCookie, sessionOf, setSessionCookie } from '../session.js';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    // argon2 hashes any length, so the cap only keeps huge bodies from costing CPU.
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const UserRef = Type.Object({ id: Type.String(), username: Type.String(), role: RoleSchema });
const SessionResponse = Type.Object({
  user: UserRef,
  csrfToken: Type.String({ description: 'Send in the X-CSRF-Token header of every request other than GET and HEAD.' }),
});

// The login window is one minute because OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE counts per minute.
const LOGIN_WINDOW_MS = 60_000;

/** Registers POST /auth/login, which needs no session and is rate-limited per client address. */
export async function registerLoginRoute(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: ctx.config.loginAttemptsPerMinute,
    timeWindow: LOGIN_WINDOW_MS,
    // request.ip follows X-Forwarded-For only from OUTPOST_TRUST_PROXY peers,
    // so a client that reaches Outpost directly cannot pick its own address.
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Too many sign-in attempts from this address; try again in ${context.after}.`), {
        statusCode: 429,
        code: 'too_many_requests',
      }),
  });

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/auth/login',
    {
      schema: tagged('auth', {
        summary: 'Sign in',
        security: [],
        body: LoginBody,
        response: responses({ 200: SessionResponse }),
      }),
    },
    async (request, reply) => {
      const { user, session } = await login(ctx, {
        username: request.body.username,
        password: request.body.password,
        clientIp: request.ip,
        previousToken: request.cookies[SESSION_COOKIE],
      });

      setSessionCookie(reply, ctx, session);
      return { user: { id: user.userId, username: user.username, role: user.role }, csrfToken: session.csrfToken };
    },
  );
}

/** Registers the routes on the current session. */
export function registerSessionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/auth/session',
    { schema: tagged('auth', { summary: 'Current user and CSRF token', response: responses({ 200: SessionResponse }) }) },
    async (request) => {
      const session = sessionOf(request);
      const { caller } = session;
      return { user: { id: caller.userId, username: caller.username, role: caller.role }, csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    { schema: tagged('auth', { summary: 'Sign out', response: responses({ 204: Type.Null() }) }) },
    async (request, reply) => {
      await logout(ctx, callerOf(request), sessionOf(request).token);
      clearSessionCookie(reply, ctx);
      return reply.code(204).send();
    },
  );
}
