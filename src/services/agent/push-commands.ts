import type { AppContext } from '../../context.js';
import { COMMAND_SPECS, commandTypeOfMessage, isCommandType, type CommandType } from '../../domain/command-catalog.js';
import { pushPayload } from '../../domain/command-payload.js';
import type { PushMessage } from '../../push/push-hub.js';
import type { CommandRow, DeviceRow } from '../../store/schema.js';
import { inTransaction } from './transaction.js';

/** Builds the push message of a push command, or null for a config command. */
export function pushMessageOf(command: Pick<CommandRow, 'type' | 'payload_json'>): PushMessage | null {
  if (!isCommandType(command.type)) return null;
  const spec = COMMAND_SPECS[command.type];
  if (spec.delivery !== 'push' || spec.messageType === undefined) return null;

  return { messageType: spec.messageType, payload: pushPayload(command.type, parsePayload(command.payload_json)) };
}

/**
 * Hands push commands to the push hub. With an MQTT broker the message is
 * published at once and the broker keeps it for the device's session, so
 * the commands count as sent now. Without one, they stay queued until a
 * long poll carries them (see filterPushDelivery).
 */
export async function sendPushCommands(ctx: AppContext, deviceId: string, commands: readonly CommandRow[]): Promise<void> {
  const sent: string[] = [];
  for (const command of commands) {
    const message = pushMessageOf(command);
    if (!message) continue;
    ctx.push.notify([deviceId], message);
    sent.push(command.id);
  }

  // NOTE: MQTT gives no delivery receipt to Outpost, so "sent" means the
  // broker accepted the message, not that the phone received it.
  if (ctx.config.mqtt.mode !== 'off') await ctx.store.commands.markSent(sent, ctx.now());
}

/**
 * Checks the push messages a long poll is about to return against the
 * device's commands, and returns the ones to deliver. A command message
 * whose command was cancelled, expired or queued for an earlier enrolment
 * generation is dropped. Queued commands the messages carry become sent,
 * and the delivery of each is audited.
 */
export async function filterPushDelivery(ctx: AppContext, deviceId: string, messages: readonly PushMessage[]): Promise<PushMessage[]> {
  // Most polls carry only configUpdated, which every change sends; they pass
  // without a database read. A sync command is confirmed by the
  // configuration fetch that follows, so it needs no record here.
  if (!messages.some((message) => isCommandMessage(message))) return [...messages];

  const device = await ctx.store.devices.findByDeviceId(deviceId);
  if (!device) return [];

  const now = ctx.now();
  const candidates = await deliverableCommands(ctx, device, now);
  const delivered: PushMessage[] = [];
  const sentIds = new Set<string>();

  for (const message of messages) {
    if (!isCommandMessage(message)) {
      delivered.push(message);
      continue;
    }

    const type = commandTypeOfMessage(message.messageType);
    const matching = candidates.filter((row) => row.type === type && samePayload(pushMessageOf(row), message));
    if (matching.length === 0) {
      ctx.logger.info({ deviceId, messageType: message.messageType }, 'push message dropped: its command is no longer open');
      continue;
    }
    delivered.push(message);
    matching.forEach((row) => sentIds.add(row.id));
  }

  const newlySent = candidates.filter((row) => sentIds.has(row.id) && row.state === 'queued');
  // One transaction: a failure midway leaves every command queued, so the
  // caller can queue the messages again, and none is marked sent unsent.
  await inTransaction(ctx, async (store) => {
    await store.commands.markSent(newlySent.map((row) => row.id), now);
    for (const command of newlySent) await auditDelivery({ ...ctx, store }, device, command, 'push', now);
  });
  return delivered;
}

/**
 * Hands the queued push commands among a device's open commands to the
 * push hub again. Called at each configuration sync, so a command whose
 * message the hub lost (a server restart empties its queue) still reaches
 * the phone. The hub drops a message equal to one it already queued.
 */
export async function resendQueuedPush(ctx: AppContext, device: DeviceRow, openCommands: readonly CommandRow[]): Promise<void> {
  const resend = openCommands.filter((row) => row.state === 'queued' && row.type !== 'sync' && pushMessageOf(row) !== null);
  if (resend.length > 0) await sendPushCommands(ctx, device.device_id, resend);
}

/** Records that a command reached the device, by configuration or push. */
export async function auditDelivery(
  ctx: AppContext,
  device: DeviceRow,
  command: Pick<CommandRow, 'id' | 'type' | 'bulk_job_id'>,
  via: 'configuration' | 'push',
  now: number,
): Promise<void> {
  await ctx.store.audit.record(
    {
      actor: `device:${device.device_id}`,
      action: 'command.delivered',
      targetType: 'device',
      targetId: device.id,
      details: {
        deviceId: device.device_id,
        commandId: command.id,
        type: command.type,
        via,
        generation: device.enrolment_generation,
        bulkJobId: command.bulk_job_id,
      },
    },
    now,
  );
}

async function deliverableCommands(ctx: AppContext, device: DeviceRow, now: number): Promise<CommandRow[]> {
  const open = await ctx.store.commands.listOpen(device.id, device.enrolment_generation, now);
  const push = open.filter((row) => isCommandType(row.type) && COMMAND_SPECS[row.type as CommandType].delivery === 'push');
  // Without a broker a sent push command has already been carried by a
  // poll, so only queued ones may travel. With one, the broker took them.
  return ctx.config.mqtt.mode === 'off' ? push.filter((row) => row.state === 'queued') : push;
}

/** Whether a message carries a push command that a poll must check: any but configUpdated. */
function isCommandMessage(message: PushMessage): boolean {
  const type = commandTypeOfMessage(message.messageType);
  return type !== null && type !== 'sync';
}

function samePayload(expected: PushMessage | null, message: PushMessage): boolean {
  return expected !== null && JSON.stringify(expected.payload ?? null) === JSON.stringify(message.payload ?? null);
}

function parsePayload(payloadJson: string | null): unknown {
  if (payloadJson === null) return null;
  try {
    return JSON.parse(payloadJson) as unknown;
  } catch {
    return null;
  }
}
