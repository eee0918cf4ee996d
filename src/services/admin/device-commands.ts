import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { toCommandView, type CommandView } from './device-view.js';

/** Commands an operator may send now; wipe and password reset need confirmation steps that come later. */
export const OPERATOR_COMMAND_TYPES = ['reboot', 'lock', 'unlock'] as const;
export type OperatorCommandType = (typeof OPERATOR_COMMAND_TYPES)[number];

/** Maximum length of a lock-screen message, because the lock screen shows only a few lines. */
export const MAX_LOCK_MESSAGE_LENGTH = 500;

/** Maximum command lifetime in hours (90 days). A phone offline for longer is re-enrolled rather than sent old commands. */
export const MAX_COMMAND_HOURS = 90 * 24;

export interface CommandInput {
  type: OperatorCommandType;
  message?: string;
  /** Hours until the command expires unsent; without it the command waits until the device connects. */
  expiresInHours?: number;
}

/**
 * Queues a command for a device's current enrolment generation and wakes
 * the device. A repeat of an open command updates it instead of queueing a
 * second one. Unlock also cancels any open lock command.
 */
export async function sendDeviceCommand(ctx: AppContext, caller: Caller, id: string, input: CommandInput): Promise<CommandView> {
  requireRole(caller, 'operator');

  if (input.message !== undefined && input.type !== 'lock') {
    throw new InvalidInputError(`A message goes only with a lock command; remove message from the ${input.type} command.`, 'body.message');
  }
  const device = await ctx.store.devices.findByPk(id);
  if (!device) throw new NotFoundError(`Device ${id} was not found. Take the id from the device list.`, 'params.id');

  const now = ctx.now();
  let cancelledLocks = 0;
  if (input.type === 'unlock') {
    cancelledLocks = await ctx.store.commands.transitionOpen(id, device.enrolment_generation, ['lock'], 'cancelled', now);
  }

  const commandId = await ctx.store.commands.queueOrUpdateOpen(
    {
      devicePk: id,
      generation: device.enrolment_generation,
      type: input.type,
      payload: input.type === 'lock' ? { message: input.message ?? null } : undefined,
      createdBy: caller.username,
      expiresAt: input.expiresInHours === undefined ? null : now + input.expiresInHours * 3_600_000,
    },
    now,
  );

  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: `device.command.${input.type}`,
      targetType: 'device',
      targetId: id,
      details: { deviceId: device.device_id, commandId, expiresInHours: input.expiresInHours ?? null, cancelledLocks },
    },
    now,
  );
  notifyConfigChanged(ctx, [device.device_id]);

  const command = await ctx.store.commands.findById(commandId);
  if (!command) throw new Error(`Command ${commandId} vanished right after it was queued`);
  return toCommandView(command);
}
