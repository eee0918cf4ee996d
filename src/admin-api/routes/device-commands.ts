import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import {
  MAX_COMMAND_HOURS,
  MAX_LOCK_MESSAGE_LENGTH,
  OPERATOR_COMMAND_TYPES,
  sendDeviceCommand,
} from '../../services/admin/device-commands.js';
import { IdParams, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';
import { CommandSchema } from './devices.js';

const CommandBody = Type.Object(
  {
    type: Type.Union(OPERATOR_COMMAND_TYPES.map((type) => Type.Literal(type))),
    message: Type.Optional(Type.String({ maxLength: MAX_LOCK_MESSAGE_LENGTH, description: 'Lock-screen text; lock only.' })),
    expiresInHours: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_COMMAND_HOURS, description: 'Unset: the command waits until the device connects.' }),
    ),
  },
  { additionalProperties: false },
);

export function registerDeviceCommandRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof CommandBody> }>(
    '/devices/:id/commands',
    {
      schema: tagged('devices', {
        summary: 'Send reboot, lock or unlock to a device',
        params: IdParams,
        body: CommandBody,
        response: responses({ 200: CommandSchema }),
      }),
    },
    async (request) => sendDeviceCommand(ctx, callerOf(request), request.params.id, request.body),
  );
}
