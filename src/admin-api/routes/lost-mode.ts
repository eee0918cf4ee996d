import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { MAX_LOCK_MESSAGE_LENGTH } from '../../domain/command-payload.js';
import { enterLostMode, getLostMode, leaveLostMode } from '../../services/admin/lost-mode.js';
import { IdParams, Nullable, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

const LostModeSchema = Type.Object({
  deviceId: Type.String(),
  lost: Type.Boolean(),
  since: Nullable(Type.Integer()),
  message: Nullable(Type.String()),
  by: Nullable(Type.String()),
});

const LostModeBody = Type.Object(
  { message: Type.Optional(Type.String({ maxLength: MAX_LOCK_MESSAGE_LENGTH, description: 'Lock-screen text, e.g. whom to call.' })) },
  { additionalProperties: false },
);

export function registerLostModeRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: Static<typeof IdParams> }>(
    '/devices/:id/lost-mode',
    { schema: tagged('devices', { summary: 'Lost-mode state of a device', params: IdParams, response: responses({ 200: LostModeSchema }) }) },
    async (request) => getLostMode(ctx, callerOf(request), request.params.id),
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof LostModeBody> }>(
    '/devices/:id/lost-mode',
    {
      schema: tagged('devices', {
        summary: 'Put a device in lost mode',
        description: 'Locks the screen with the message and asks for GPS location updates until lost mode ends.',
        params: IdParams,
        body: LostModeBody,
        response: responses({ 200: LostModeSchema }),
      }),
    },
    async (request) => enterLostMode(ctx, callerOf(request), request.params.id, request.body),
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/devices/:id/lost-mode',
    {
      schema: tagged('devices', {
        summary: 'End lost mode',
        description: "Unlocks the device and restores its policy's location setting.",
        params: IdParams,
        response: responses({ 200: LostModeSchema }),
      }),
    },
    async (request) => leaveLostMode(ctx, callerOf(request), request.params.id),
  );
}
