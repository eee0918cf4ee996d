import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../context.js';
import type { PushMessage } from '../push/push-hub.js';
import { requeuePush, waitForPush } from '../services/agent/polling.js';
import { filterPushDelivery } from '../services/agent/push-commands.js';
import { sendUnknownDevice } from './envelope.js';
import type { RequestSignatureCheck } from './request-signature.js';
import type { UnknownDeviceLog } from './unknown-device-log.js';

const DeviceParams = Type.Object({ deviceId: Type.String({ minLength: 1 }) });
type DeviceParams = Static<typeof DeviceParams>;

const LONG_POLL_PATH = '/rest/notification/polling/';
const SHORT_POLL_PATH = '/rest/notifications/device/';

/**
 * Encodes messages as a polling response body. Unlike MQTT, polling carries each
 * payload as a JSON-encoded string: the agent's message class reads
 * `payload` as a string, and an object would fail the whole batch.
 */
export function pollingBody(messages: readonly PushMessage[]): string {
  const data = messages.map((message) => ({
    messageType: message.messageType,
    payload: message.payload == null ? null : JSON.stringify(message.payload),
  }));
  return JSON.stringify({ status: 'OK', message: null, data });
}

/** Registers the long poll the agent keeps open for push messages, and the short poll. */
export function registerPollingRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  unknownDevices: UnknownDeviceLog,
  signatures: RequestSignatureCheck,
): void {
  const holdMs = ctx.config.longPollHoldSeconds * 1000;

  app.get<{ Params: DeviceParams }>(
    `${LONG_POLL_PATH}:deviceId`,
    { schema: { params: DeviceParams } },
    async (request, reply) => {
      if (!(await signatures.acceptPollRequest(request, reply, LONG_POLL_PATH, request.params.deviceId))) return reply;
      return poll(ctx, unknownDevices, request, holdMs, reply);
    },
  );

  // The open-source agent never calls the short poll, which returns at once.
  app.get<{ Params: DeviceParams }>(
    `${SHORT_POLL_PATH}:deviceId`,
    { schema: { params: DeviceParams } },
    async (request, reply) => {
      if (!(await signatures.acceptPollRequest(request, reply, SHORT_POLL_PATH, request.params.deviceId))) return reply;
      return poll(ctx, unknownDevices, request, 0, reply);
    },
  );
}

async function poll(
  ctx: AppContext,
  unknownDevices: UnknownDeviceLog,
  request: FastifyRequest<{ Params: DeviceParams }>,
  holdMs: number,
  reply: FastifyReply,
) {
  const deviceId = request.params.deviceId;

  // The response's close event fires when the client disconnects before the
  // response, so the hub stops holding a poll that no client will read.
  const disconnect = new AbortController();
  const onClose = () => disconnect.abort();
  reply.raw.once('close', onClose);

  let messages: PushMessage[] | null;
  try {
    messages = await waitForPush(ctx, deviceId, holdMs, disconnect.signal);
  } finally {
    reply.raw.off('close', onClose);
  }

  if (messages === null) {
    unknownDevices.record(deviceId, 'poll', request.ip);
    return sendUnknownDevice(reply, deviceId);
  }
  if (reply.raw.destroyed) {
    // The client disconnected, so the messages stay queued for its next poll.
    requeuePush(ctx, deviceId, messages);
    reply.hijack();
    return;
  }
  let deliverable: PushMessage[];
  try {
    deliverable = await filterPushDelivery(ctx, deviceId, messages);
  } catch (error) {
    // The database failed, so no command was marked sent. The messages go
    // back to the queue for the device's next poll, and this poll gets the error.
    requeuePush(ctx, deviceId, messages);
    throw error;
  }
  return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(pollingBody(deliverable));
}
