import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';
import { DeviceInfoSchema, type DeviceInfo } from '../domain/agent-reports.js';
import { ingestDeviceInfo } from '../services/agent/device-info.js';
import { sendData, sendDeviceNotFound } from './envelope.js';
import type { UnknownDeviceLog } from './unknown-device-log.js';

/** Registers the device report, which names its device in the body only. */
export function registerInfoRoute(app: FastifyInstance, ctx: AppContext, unknownDevices: UnknownDeviceLog): void {
  app.post<{ Body: DeviceInfo }>(
    '/rest/public/sync/info',
    { bodyLimit: ctx.config.agentBodyLimitBytes, schema: { body: DeviceInfoSchema } },
    async (request, reply) => {
      const deviceId = request.body.deviceId;
      if (!deviceId) {
        return reply.code(400).send({
          error: 'invalid_request',
          message: 'Invalid body.deviceId: the device report must name its device id.',
          field: 'body.deviceId',
        });
      }

      const device = await ingestDeviceInfo(ctx, deviceId, request.body, request.ip);
      if (!device) {
        unknownDevices.record(deviceId, 'info', request.ip);
        return sendDeviceNotFound(ctx, request, reply);
      }
      return sendData(ctx, request, reply, null);
    },
  );
}
