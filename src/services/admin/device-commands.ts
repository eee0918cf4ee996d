import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import {
  COMMAND_SPECS,
  isCancellable,
  PASSWORD_CONFIRMED_TYPES,
  type CommandState,
  type CommandType,
} from '../../domain/command-catalog.js';
import { commandPayload, type CommandParameters } from '../../domain/command-payload.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor, TimeIdCursorSchema } from '../../domain/list-cursor.js';
import type { CommandRow, DeviceRow } from '../../store/schema.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { sendPushCommands } from '../agent/push-commands.js';
import { inTransaction } from '../agent/transaction.js';
import { confirmDangerousCommand, type DangerConfirmation } from './command-confirmation.js';
import { toCommandDetailView, type CommandDetailView } from './command-view.js';
import { loadDeviceForCaller } from './device-access.js';

export { MAX_LOCK_MESSAGE_LENGTH } from '../../domain/command-payload.js';

/** Maximum command lifetime in hours (90 days). A phone offline for longer is re-enrolled rather than sent old commands. */
export const MAX_COMMAND_HOURS = 90 * 24;

export interface CommandInput extends CommandParameters {
  type: CommandType;
  /** Hours until the command expires undelivered; without it the command waits until the device connects. */
  expiresInHours?: number;
  /** Re-entered password and typed device id; required for wipe and passwordReset. */
  confirmation?: DangerConfirmation;
}

// Config commands of which a device has at most one open: a repeat
// replaces the open one's payload instead of queueing a second.
const ONE_OPEN_PER_TYPE: readonly CommandType[] = ['lock', 'unlock', 'reboot', 'wipe', 'passwordReset'];

/**
 * Queues a command for a device's current enrolment generation and sends
 * it: a config command wakes the device to sync, and a push command goes
 * to the push hub. Wipe and passwordReset first check the re-entered
 * password (and the typed device id for a wipe). Unlock cancels any open
 * lock. A device in lost mode is unlocked only by ending lost mode.
 */
export async function sendDeviceCommand(ctx: AppContext, caller: Caller, devicePk: string, input: CommandInput): Promise<CommandDetailView> {
  const spec = COMMAND_SPECS[input.type];
  requireRole(caller, spec.role);

  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  const { type, expiresInHours, confirmation, ...parameters } = input;
  const payload = commandPayload(type, parameters);

  if (type === 'unlock' && device.lost_mode_since !== null) {
    throw new ConflictError(
      'device_lost',
      `Device ${device.device_id} is in lost mode, which keeps it locked. End lost mode to unlock it.`,
      'body.type',
    );
  }
  if (PASSWORD_CONFIRMED_TYPES.includes(type)) {
    await confirmDangerousCommand(ctx, caller, { kind: 'device', type, devicePk: device.id, deviceId: device.device_id }, confirmation);
  }

  const command = await queueDeviceCommand(ctx, device, {
    type,
    payload,
    createdBy: caller.username,
    expiresInHours: expiresInHours ?? null,
  });
  return toCommandDetailView(command);
}

/**
 * Stores a command for one device, audits it and sends it. The device page
 * and lost mode use it; bulk jobs queue inside their own transaction.
 */
export async function queueDeviceCommand(
  ctx: AppContext,
  device: DeviceRow,
  command: { type: CommandType; payload: unknown; createdBy: string; expiresInHours: number | null },
): Promise<CommandRow> {
  const now = ctx.now();
  const expiresAt = command.expiresInHours === null ? null : now + command.expiresInHours * 3_600_000;
  const generation = device.enrolment_generation;

  // One transaction, so a request that fails (a database outage) leaves no
  // command behind, and the operator's retry does not queue a second one.
  const row = await inTransaction(ctx, async (store) => {
    let cancelledLocks = 0;
    if (command.type === 'unlock') {
      cancelledLocks = await store.commands.transitionOpen(device.id, generation, ['lock'], 'cancelled', now);
    }

    const fields = { devicePk: device.id, generation, type: command.type, payload: command.payload, createdBy: command.createdBy, expiresAt };
    const commandId = ONE_OPEN_PER_TYPE.includes(command.type)
      ? await store.commands.queueOrUpdateOpen(fields, now)
      : await store.commands.insert(fields, now);

    await store.audit.record(
      {
        actor: command.createdBy,
        action: `device.command.${command.type}`,
        targetType: 'device',
        targetId: device.id,
        details: { deviceId: device.device_id, commandId, generation, expiresInHours: command.expiresInHours, cancelledLocks },
      },
      now,
    );

    const queued = await store.commands.findById(commandId);
    if (!queued) throw new Error(`Command ${commandId} vanished right after it was queued`);
    return queued;
  });
  const commandId = row.id;

  if (COMMAND_SPECS[command.type].delivery === 'push') await sendPushCommands(ctx, device.device_id, [row]);
  else notifyConfigChanged(ctx, [device.device_id]);
  return (await ctx.store.commands.findById(commandId)) ?? row;
}

/**
 * Cancels an open command of a device. A cancelled config command leaves
 * the next configuration, and a wipe or reboot the agent then tries to
 * confirm is refused. A push command can be cancelled only while queued.
 */
export async function cancelDeviceCommand(ctx: AppContext, caller: Caller, devicePk: string, commandId: string): Promise<CommandDetailView> {
  requireRole(caller, 'operator');
  const device = await loadDeviceForCaller(ctx, caller, devicePk);

  const command = await ctx.store.commands.findById(commandId);
  if (!command || command.device_pk !== device.id) {
    throw new NotFoundError(`Command ${commandId} was not found on device ${device.device_id}.`, 'params.commandId');
  }
  const state = command.state as CommandState;
  if (!isCancellable(command.type, state)) {
    throw new ConflictError(
      'command_not_cancellable',
      state === 'sent'
        ? `The ${command.type} command was already pushed to the device and cannot be called back.`
        : `The ${command.type} command is ${state} and can no longer be cancelled.`,
      'params.commandId',
    );
  }

  const now = ctx.now();
  if (!(await ctx.store.commands.cancel(command.id, state, now))) {
    throw new ConflictError('command_changed', `The ${command.type} command changed state meanwhile; reload and try again.`, 'params.commandId');
  }
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'device.command.cancelled',
      targetType: 'device',
      targetId: device.id,
      details: { deviceId: device.device_id, commandId: command.id, type: command.type, previousState: state },
    },
    now,
  );
  if (COMMAND_SPECS[command.type as CommandType]?.delivery !== 'push') notifyConfigChanged(ctx, [device.device_id]);

  const updated = await ctx.store.commands.findById(command.id);
  return toCommandDetailView(updated ?? command);
}

/** Lists a device's commands, newest first, a page at a time. */
export async function listDeviceCommands(
  ctx: AppContext,
  caller: Caller,
  devicePk: string,
  query: { limit?: number; cursor?: string },
): Promise<{ items: CommandDetailView[]; nextCursor: string | null }> {
  requireRole(caller, 'viewer');
  const device = await loadDeviceForCaller(ctx, caller, devicePk);

  const limit = query.limit ?? 50;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(TimeIdCursorSchema, query.cursor);
  const before = cursor ? { createdAt: cursor.at, id: cursor.id } : undefined;
  const rows = await ctx.store.commands.listPageForDevice(device.id, limit + 1, before);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null;
  return { items: page.map(toCommandDetailView), nextCursor };
}
