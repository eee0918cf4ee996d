import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { createUser, listUsers, USERNAME_PATTERN } from '../../services/admin/users.js';
import { responses, RoleSchema, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  createdAt: Type.Integer(),
});

const UserBody = Type.Object(
  {
    username: Type.String({ pattern: USERNAME_PATTERN }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);

export function registerUserRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/users',
    { schema: tagged('users', { summary: 'List console users', response: responses({ 200: Type.Array(UserSchema) }) }) },
    async (request) => listUsers(ctx, callerOf(request)),
  );

  app.post<{ Body: Static<typeof UserBody> }>(
    '/users',
    { schema: tagged('users', { summary: 'Create a console user', body: UserBody, response: responses({ 201: UserSchema }) }) },
    async (request, reply) => {
      const user = await createUser(ctx, callerOf(request), request.body);
      return reply.code(201).send(user);
    },
  );
}
