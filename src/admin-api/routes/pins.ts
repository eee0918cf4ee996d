import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { PACKAGE_NAME_PATTERN } from '../../services/admin/policy-save.js';
import { createPin, deletePin, listPins } from '../../services/rollouts/pins.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { ScopeBody, ScopeSchema } from './scope-schema.js';

const PinSchema = Type.Object({
  id: Type.String(),
  packageName: Type.String(),
  maxVersionCode: Type.Integer(),
  scope: ScopeSchema,
  reason: Type.String(),
  createdAt: Type.Integer(),
  createdBy: Nullable(Type.String()),
});

const PinBody = Type.Object(
  {
    packageName: Type.String({ pattern: PACKAGE_NAME_PATTERN, maxLength: 255 }),
    maxVersionCode: Type.Integer({ minimum: 1, description: 'Devices in scope are never offered a higher versionCode.' }),
    scope: Type.Optional(ScopeBody),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export function registerPinRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/pins', { schema: tagged('rollouts', { summary: 'List version pins', response: responses({ 200: Type.Array(PinSchema) }) }) }, async (request) =>
    listPins(ctx, callerOf(request)),
  );

  app.post<{ Body: Static<typeof PinBody> }>(
    '/pins',
    { schema: tagged('rollouts', { summary: 'Pin a package at a max versionCode', body: PinBody, response: responses({ 201: PinSchema }) }) },
    async (request, reply) => reply.code(201).send(await createPin(ctx, callerOf(request), request.body)),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/pins/:id',
    { schema: tagged('rollouts', { summary: 'Remove a pin', params: IdParams, response: responses({ 204: Type.Null() }) }) },
    async (request, reply) => {
      await deletePin(ctx, callerOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
