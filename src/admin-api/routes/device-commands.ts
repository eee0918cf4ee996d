import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { COMMAND_TYPES } from '../../domain/command-catalog.js';
import {
  MAX_GRANT_PACKAGES,
  MAX_SCREEN_PASSWORD_LENGTH,
  MAX_TEXT_MESSAGE_LENGTH,
} from '../../domain/command-payload.js';
import { cancelDeviceCommand, listDeviceCommands, MAX_COMMAND_HOURS, sendDeviceCommand } from '../../services/admin/device-commands.js';
import { IdParams, Nullable, Page, responses, tagged } from '../schemas.js';
import { callerOf } from '../session.js';

export const CommandTypeSchema = Type.Union(COMMAND_TYPES.map((type) => Type.Literal(type)));

export const CommandStateSchema = Type.Union(
  ['queued', 'sent', 'confirmed', 'failed', 'expired', 'cancelled'].map((state) => Type.Literal(state)),
);

export const CommandDetailSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  state: CommandStateSchema,
  generation: Type.Integer({ description: 'Enrolment generation the command is bound to; a re-enrolled phone never runs it.' }),
  createdBy: Nullable(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  expiresAt: Nullable(Type.Integer()),
  bulkJobId: Nullable(Type.String()),
  parameters: Type.Object({
    message: Type.Optional(Type.String()),
    packageName: Type.Optional(Type.String()),
    packageNames: Type.Optional(Type.Array(Type.String())),
  }),
});

export const ConfirmationSchema = Type.Object(
  {
    password: Type.Optional(Type.String({ maxLength: 200, description: "The operator's own console password." })),
    deviceId: Type.Optional(Type.String({ maxLength: 200, description: 'Wipe of one device: its device id, typed.' })),
    deviceCount: Type.Optional(Type.Integer({ minimum: 0, description: 'Bulk wipe: the number of selected devices, typed.' })),
  },
  { additionalProperties: false },
);

/** Command parameters shared by one-device and bulk commands. */
export const commandParameterProperties = {
  message: Type.Optional(
    Type.String({ maxLength: MAX_TEXT_MESSAGE_LENGTH, description: 'lock: lock-screen text (500 characters at most); message: the text.' }),
  ),
  packageName: Type.Optional(Type.String({ maxLength: 255, description: 'uninstallApp, clearAppData: the Android package.' })),
  packageNames: Type.Optional(
    Type.Array(Type.String({ maxLength: 255 }), { maxItems: MAX_GRANT_PACKAGES, description: 'grantPermissions: packages; none for all.' }),
  ),
  expiresInHours: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_COMMAND_HOURS, description: 'Unset: the command waits until the device connects.' }),
  ),
  confirmation: Type.Optional(ConfirmationSchema),
};

const CommandBody = Type.Object(
  {
    type: CommandTypeSchema,
    ...commandParameterProperties,
    newPassword: Type.Optional(Type.String({ maxLength: MAX_SCREEN_PASSWORD_LENGTH, description: 'passwordReset: the new screen-lock password.' })),
  },
  { additionalProperties: false },
);

const CommandParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 200 }), commandId: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

const CommandListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export function registerDeviceCommandRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof CommandBody> }>(
    '/devices/:id/commands',
    {
      schema: tagged('devices', {
        summary: 'Send a command to a device',
        description:
          'Wipe and passwordReset need confirmation.password (the caller\'s own password); a wipe also needs confirmation.deviceId.',
        params: IdParams,
        body: CommandBody,
        response: responses({ 200: CommandDetailSchema }),
      }),
    },
    async (request) => sendDeviceCommand(ctx, callerOf(request), request.params.id, request.body),
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof CommandListQuery> }>(
    '/devices/:id/commands',
    {
      schema: tagged('devices', {
        summary: "A device's commands, newest first",
        params: IdParams,
        querystring: CommandListQuery,
        response: responses({ 200: Page(CommandDetailSchema) }),
      }),
    },
    async (request) => listDeviceCommands(ctx, callerOf(request), request.params.id, request.query),
  );

  app.post<{ Params: Static<typeof CommandParams> }>(
    '/devices/:id/commands/:commandId/cancel',
    {
      schema: tagged('devices', {
        summary: 'Cancel an open command',
        params: CommandParams,
        response: responses({ 200: CommandDetailSchema }),
      }),
    },
    async (request) => cancelDeviceCommand(ctx, callerOf(request), request.params.id, request.params.commandId),
  );
}
