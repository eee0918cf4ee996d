import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { ATTENTION_MAX_LIMIT, getAttentionList } from '../../services/admin/dhis2-attention.js';
import { Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const DeviceSchema = Type.Object({
  pk: Type.String(),
  deviceId: Type.String(),
  model: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  orgUnitId: Nullable(Type.String()),
  orgUnitName: Nullable(Type.String()),
  lastContactAt: Nullable(Type.Integer()),
  dhis2UserId: Nullable(Type.String()),
  username: Nullable(Type.String()),
  userDisabled: Type.Boolean(),
  userRemoved: Type.Boolean(),
});

const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  name: Type.String(),
  lastLoginAt: Nullable(Type.Integer()),
  orgUnitIds: Type.Array(Type.String()),
});

const counted = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ total: Type.Integer(), items: Type.Array(item) });

const AttentionSchema = Type.Object({
  generatedAt: Type.Integer(),
  lastSyncAt: Nullable(Type.Integer()),
  inactiveUser: counted(DeviceSchema),
  severalDevices: counted(Type.Object({ userId: Type.String(), username: Nullable(Type.String()), devices: Type.Array(DeviceSchema) })),
  noUser: counted(DeviceSchema),
  noDevice: counted(UserSchema),
  removedUnit: counted(DeviceSchema),
});

const AttentionQuery = Type.Object(
  {
    orgUnitId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: ATTENTION_MAX_LIMIT })),
  },
  { additionalProperties: false },
);

export function registerDhis2AttentionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: Static<typeof AttentionQuery> }>(
    '/dhis2/attention',
    {
      schema: tagged('dhis2', {
        summary: 'Devices and DHIS2 users that need a look: inactive users, several devices, no user, no device, removed units',
        querystring: AttentionQuery,
        response: responses({ 200: AttentionSchema }),
      }),
    },
    async (request) => getAttentionList(ctx, callerOf(request), request.query),
  );
}
