import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { createUser, listUsers, MAX_SCOPE_UNITS, resetUserPassword, updateUser, USERNAME_PATTERN } from '../../services/admin/users.js';
import { IdParams, Nullable, responses, RoleSchema, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const ScopeUnitSchema = Type.Object({ id: Type.String(), name: Nullable(Type.String()), path: Nullable(Type.String()) });

const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  createdAt: Type.Integer(),
  authSource: Type.Union([Type.Literal('local'), Type.Literal('dhis2')]),
  orgUnits: Type.Array(ScopeUnitSchema, { description: 'Org-unit subtrees the user may see; empty for the whole fleet.' }),
});

const CreatedUserSchema = Type.Object({
  ...UserSchema.properties,
  generatedPassword: Type.Optional(Type.String({ description: 'Shown only in this response, when no password was sent.' })),
});

const OrgUnitIds = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: MAX_SCOPE_UNITS });

const UserBody = Type.Object(
  {
    username: Type.String({ pattern: USERNAME_PATTERN }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Leave out to get a generated one.' })),
    role: RoleSchema,
    orgUnitIds: Type.Optional(OrgUnitIds),
  },
  { additionalProperties: false },
);

const UserChangesBody = Type.Object(
  { role: Type.Optional(RoleSchema), orgUnitIds: Type.Optional(OrgUnitIds), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

const PasswordBody = Type.Object(
  { password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Leave out to get a generated one.' })) },
  { additionalProperties: false },
);

const PasswordResult = Type.Object({ generatedPassword: Type.Optional(Type.String()) });

export function registerUserRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/users',
    { schema: tagged('users', { summary: 'List console users', response: responses({ 200: Type.Array(UserSchema) }) }) },
    async (request) => listUsers(ctx, callerOf(request)),
  );

  app.post<{ Body: Static<typeof UserBody> }>(
    '/users',
    { schema: tagged('users', { summary: 'Create a console user', body: UserBody, response: responses({ 201: CreatedUserSchema }) }) },
    async (request, reply) => {
      const user = await createUser(ctx, callerOf(request), request.body);
      return reply.code(201).send(user);
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UserChangesBody> }>(
    '/users/:id',
    {
      schema: tagged('users', {
        summary: "Change a user's role, org-unit scope or disabled flag",
        params: IdParams,
        body: UserChangesBody,
        response: responses({ 200: UserSchema }),
      }),
    },
    async (request) => updateUser(ctx, callerOf(request), request.params.id, request.body),
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof PasswordBody> | undefined }>(
    '/users/:id/password',
    {
      schema: tagged('users', {
        summary: "Set a local user's password and end the user's sessions",
        params: IdParams,
        body: PasswordBody,
        response: responses({ 200: PasswordResult }),
      }),
    },
    async (request) => resetUserPassword(ctx, callerOf(request), request.params.id, request.body ?? {}),
  );
}
