import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';
import { DeviceLogUploadSchema, type DeviceLogUpload } from '../domain/agent-reports.js';
import { logRulesFor, storeDeviceLogs } from '../services/agent/device-logs.js';
import { sendData, sendDeviceNotFound, sendUnknownDevice } from './envelope.js';
import type { UnknownDeviceLog } from './unknown-device-log.js';

const DeviceParams = Type.Object({ deviceId: Type.String({ minLength: 1 }) });
type DeviceParams = Static<typeof DeviceParams>;

/** Registers the remote-log rules the agent downloads after each sync and the log upload. */
export function registerDeviceLogRoutes(app: FastifyInstance, ctx: AppContext, unknownDevices: UnknownDeviceLog): void {
  app.get<{ Params: DeviceParams }>(
    '/rest/plugins/devicelog/log/rules/:deviceId',
    { schema: { params: DeviceParams } },
    async (request, reply) => {
      const rules = await logRulesFor(ctx, request.params.deviceId);
      if (!rules) {
        unknownDevices.record(request.params.deviceId, 'log rules', request.ip);
        return sendDeviceNotFound(ctx, request, reply);
      }
      return sendData(ctx, request, reply, rules);
    },
  );

  app.post<{ Params: DeviceParams; Body: DeviceLogUpload }>(
    '/rest/plugins/devicelog/log/list/:deviceId',
    {
      bodyLimit: ctx.config.agentBodyLimitBytes,
      schema: { params: DeviceParams, body: DeviceLogUploadSchema },
    },
    async (request, reply) => {
      const stored = await storeDeviceLogs(ctx, request.params.deviceId, request.body);
      if (stored === null) {
        unknownDevices.record(request.params.deviceId, 'log upload', request.ip);
        return sendUnknownDevice(reply, request.params.deviceId);
      }
      return sendData(ctx, request, reply, null);
    },
  );
}
