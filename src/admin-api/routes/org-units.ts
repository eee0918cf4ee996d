import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { createOrgUnit, listOrgUnits, MAX_ORG_UNIT_NAME_LENGTH, ORG_UNIT_ID_PATTERN } from '../../services/admin/org-units.js';
import { Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const OrgUnitSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parentId: Nullable(Type.String()),
  path: Type.String({ description: 'Ids from the root down, each followed by "/".' }),
  level: Type.Integer({ description: '1 for a top-level unit.' }),
  createdAt: Type.Integer(),
});

const OrgUnitBody = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: ORG_UNIT_ID_PATTERN, description: 'A random id when absent.' })),
    name: Type.String({ minLength: 1, maxLength: MAX_ORG_UNIT_NAME_LENGTH }),
    parentId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
  },
  { additionalProperties: false },
);

export function registerOrgUnitRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/org-units',
    { schema: tagged('org units', { summary: 'List org units', response: responses({ 200: Type.Array(OrgUnitSchema) }) }) },
    async (request) => listOrgUnits(ctx, callerOf(request)),
  );

  app.post<{ Body: Static<typeof OrgUnitBody> }>(
    '/org-units',
    { schema: tagged('org units', { summary: 'Create a local org unit', body: OrgUnitBody, response: responses({ 201: OrgUnitSchema }) }) },
    async (request, reply) => {
      const unit = await createOrgUnit(ctx, callerOf(request), request.body);
      return reply.code(201).send(unit);
    },
  );
}
