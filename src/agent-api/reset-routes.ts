import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';
import { DeviceInfoSchema, type DeviceInfo } from '../domain/agent-reports.js';
import { confirmAction, type ConfirmedAction } from '../services/agent/confirmations.js';
import { sendData, sendUnknownDevice } from './envelope.js';
import type { UnknownDeviceLog } from './unknown-device-log.js';

const DeviceParams = Type.Object({ deviceId: Type.String({ minLength: 1 }) });
type DeviceParams = Static<typeof DeviceParams>;

const CONFIRMATION_PATHS: ReadonlyArray<[string, ConfirmedAction]> = [
  ['/rest/plugins/devicereset/public/:deviceId', 'factoryReset'],
  ['/rest/plugins/devicereset/public/reboot/:deviceId', 'reboot'],
  ['/rest/plugins/devicereset/public/password/:deviceId', 'passwordReset'],
];

/**
 * Registers the confirmations the agent posts before a wipe or reboot, and
 * after a screen-lock password reset. The agent acts only on a 2xx response.
 */
export function registerResetRoutes(app: FastifyInstance, ctx: AppContext, unknownDevices: UnknownDeviceLog): void {
  for (const [path, action] of CONFIRMATION_PATHS) {
    app.post<{ Params: DeviceParams; Body: DeviceInfo }>(
      path,
      { bodyLimit: ctx.config.agentBodyLimitBytes, schema: { params: DeviceParams, body: DeviceInfoSchema } },
      async (request, reply) => {
        const deviceId = request.params.deviceId;
        const result = await confirmAction(ctx, deviceId, action, request.body, request.ip);

        if (result.outcome === 'unknown-device') {
          unknownDevices.record(deviceId, `${action} confirmation`, request.ip);
          return sendUnknownDevice(reply, deviceId);
        }
        if (result.outcome === 'not-pending') {
          return reply.code(409).send({
            error: 'not_pending',
            message:
              `No ${action} is pending for device ${JSON.stringify(deviceId)}: ` +
              'it was cancelled, expired or never requested, so the device must not act.',
          });
        }
        return sendData(ctx, request, reply, null);
      },
    );
  }
}
