import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';
import { EnrolOptionsSchema, type EnrolOptions } from '../domain/agent-reports.js';
import { deliverConfiguration, syncConfiguration } from '../services/agent/configuration.js';
import { enrolDevice } from '../services/agent/enrolment.js';
import { sendConfigEnvelope, sendDeviceNotFound } from './envelope.js';
import type { RequestSignatureCheck } from './request-signature.js';
import type { UnknownDeviceLog } from './unknown-device-log.js';

// A wildcard rather than a :deviceId parameter: the router rejects
// parameters over 100 characters with a bare 404, and an overlong id at
// enrolment must get the envelope that names the problem.
const CONFIG_PATH = '/rest/public/sync/configuration/*';
const WildcardParams = Type.Object({ '*': Type.String() });
type WildcardParams = Static<typeof WildcardParams>;

/**
 * Registers enrol (POST) and sync (GET) of the agent configuration.
 *
 * Every refusal that leaves the phone unknown uses the key
 * error.notfound.device, including an invalid, expired or revoked
 * enrolment code and a device id Outpost cannot use. That key is the only
 * error on which the agent stops retrying and prompts for another device
 * id, in a dialog that can also scan a new QR code. On any other key it
 * retries the same request for ever. For a refused enrolment, the
 * envelope's `detail` field gives the exact reason, and the server log
 * records it.
 */
export function registerConfigRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  unknownDevices: UnknownDeviceLog,
  signatures: RequestSignatureCheck,
): void {
  app.post<{ Params: WildcardParams; Body: EnrolOptions }>(
    CONFIG_PATH,
    { bodyLimit: ctx.config.agentBodyLimitBytes, schema: { params: WildcardParams, body: EnrolOptionsSchema } },
    async (request, reply) => {
      if (!(await signatures.acceptConfigRequest(request, reply, request.params['*']))) return reply;

      const tokenId = request.body?.configuration?.trim() || null;
      const result = await enrolDevice(ctx, { deviceId: request.params['*'], tokenId, ip: request.ip });
      if (result.outcome === 'rejected') return sendDeviceNotFound(ctx, request, reply, result.reason, { signed: true });

      const config = await deliverConfiguration(ctx, result.device, request.ip);
      return sendConfigEnvelope(ctx, request, reply, { status: 'OK', message: null, data: config });
    },
  );

  app.get<{ Params: WildcardParams }>(CONFIG_PATH, { schema: { params: WildcardParams } }, async (request, reply) => {
    const deviceId = request.params['*'];
    if (!(await signatures.acceptConfigRequest(request, reply, deviceId))) return reply;

    const config = await syncConfiguration(ctx, deviceId, request.ip);
    if (!config) {
      unknownDevices.record(deviceId, 'sync', request.ip);
      return sendDeviceNotFound(ctx, request, reply, undefined, { signed: true });
    }
    return sendConfigEnvelope(ctx, request, reply, { status: 'OK', message: null, data: config });
  });
}
