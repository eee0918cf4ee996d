import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { listAuditEvents } from '../../services/admin/audit.js';
import { Nullable, Page, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const AuditEventSchema = Type.Object({
  id: Type.String(),
  at: Type.Integer(),
  actor: Type.String({ description: "Username, 'system', 'anonymous' or 'device:<id>'." }),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Nullable(Type.String()),
  details: Type.Unknown(),
});

const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    {
      schema: tagged('audit', {
        summary: 'List audit events, newest first',
        querystring: AuditQuery,
        response: responses({ 200: Page(AuditEventSchema) }),
      }),
    },
    async (request) => listAuditEvents(ctx, callerOf(request), request.query),
  );
}
