import rateLimit from '@fastify/rate-limit';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import { scopeOf, type Caller } from '../../auth/caller.js';
import { SESSION_COOKIE } from '../../auth/sessions.js';
import type { AppContext } from '../../context.js';
import { login, logout } from '../../services/admin/auth.js';
import {
  getDhis2LoginSettings,
  getLoginMethods,
  listDhis2SignInGroups,
  loginWithDhis2,
  MAX_GROUP_MAPPINGS,
  saveDhis2LoginSettings,
} from '../../services/admin/dhis2-sign-in.js';
import { Nullable, responses, RoleSchema, tagged } from '../schemas.js';
import { callerOf, clearSessionCookie, sessionOf, setSessionCookie } from '../session.js';

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200 }),
    // argon2 hashes any length, so the cap only keeps huge bodies from costing CPU.
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const UserRef = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  orgUnits: Nullable(
    Type.Array(Type.Object({ id: Type.String(), path: Nullable(Type.String()) }), {
      description: 'Org-unit subtrees the user may see; null for the whole fleet.',
    }),
  ),
});
const SessionResponse = Type.Object({
  user: UserRef,
  csrfToken: Type.String({ description: 'Send in the X-CSRF-Token header of every request other than GET and HEAD.' }),
});

const MethodsSchema = Type.Object({ local: Type.Boolean(), dhis2: Type.Boolean({ description: 'Sign-in with DHIS2 is on.' }) });

const Dhis2LoginSettingsSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    groupRoles: Type.Array(
      Type.Object(
        { groupId: Type.String({ minLength: 1, maxLength: 64, description: 'DHIS2 user group uid.' }), role: RoleSchema },
        { additionalProperties: false },
      ),
      { maxItems: MAX_GROUP_MAPPINGS },
    ),
  },
  { additionalProperties: false },
);

/** Builds the user part of a session response. */
function userRef(caller: Caller) {
  const scope = scopeOf(caller);
  return {
    id: caller.userId,
    username: caller.username,
    role: caller.role,
    orgUnits: scope.kind === 'fleet' ? null : scope.units.map((unit) => ({ id: unit.id, path: unit.path })),
  };
}

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
      return { user: userRef(user), csrfToken: session.csrfToken };
    },
  );

  app.post<{ Body: Static<typeof LoginBody> }>(
    '/auth/dhis2-login',
    {
      schema: tagged('auth', {
        summary: 'Sign in with DHIS2 credentials',
        description: 'DHIS2 checks the credentials (GET /api/me); its user groups give the role and its org units the scope.',
        security: [],
        body: LoginBody,
        response: responses({ 200: SessionResponse }),
      }),
    },
    async (request, reply) => {
      const { user, session } = await loginWithDhis2(ctx, {
        username: request.body.username,
        password: request.body.password,
        clientIp: request.ip,
        previousToken: request.cookies[SESSION_COOKIE],
      });

      setSessionCookie(reply, ctx, session);
      return { user: userRef(user), csrfToken: session.csrfToken };
    },
  );

  app.get(
    '/auth/methods',
    {
      // Loading the login page must not use up the sign-in attempts.
      config: { rateLimit: false },
      schema: tagged('auth', { summary: 'Sign-in methods the login page offers', security: [], response: responses({ 200: MethodsSchema }) }),
    },
    async () => getLoginMethods(ctx),
  );
}

/** Registers the routes on the current session. */
export function registerSessionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/auth/session',
    { schema: tagged('auth', { summary: 'Current user and CSRF token', response: responses({ 200: SessionResponse }) }) },
    async (request) => {
      const session = sessionOf(request);
      return { user: userRef(session.caller), csrfToken: session.csrfToken };
    },
  );

  app.get(
    '/auth/dhis2-login/settings',
    {
      schema: tagged('auth', {
        summary: 'Sign-in with DHIS2: on or off, and group-to-role mapping',
        'x-role': 'admin',
        response: responses({ 200: Dhis2LoginSettingsSchema }),
      }),
    },
    async (request) => getDhis2LoginSettings(ctx, callerOf(request)),
  );

  app.get(
    '/auth/dhis2-login/groups',
    {
      schema: tagged('auth', {
        summary: 'DHIS2 user groups from the last sync, to map to roles',
        'x-role': 'admin',
        response: responses({
          200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), members: Type.Integer(), removed: Type.Boolean() })),
        }),
      }),
    },
    async (request) => listDhis2SignInGroups(ctx, callerOf(request)),
  );

  app.put<{ Body: Static<typeof Dhis2LoginSettingsSchema> }>(
    '/auth/dhis2-login/settings',
    {
      schema: tagged('auth', {
        summary: 'Turn sign-in with DHIS2 on or off and map DHIS2 user groups to roles',
        'x-role': 'admin',
        body: Dhis2LoginSettingsSchema,
        response: responses({ 200: Dhis2LoginSettingsSchema }),
      }),
    },
    async (request) => saveDhis2LoginSettings(ctx, callerOf(request), request.body),
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
