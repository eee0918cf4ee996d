import type { AppContext } from '../../context.js';
import { lostModeFlags, type CommandDelivery } from '../../domain/agent-commands.js';
import type { ServerConfig } from '../../domain/agent-config.js';
import type { CommandRow, DeviceRow } from '../../store/schema.js';
import { auditDelivery, resendQueuedPush } from './push-commands.js';

/**
 * Finishes the command side of a configuration delivery: audits each
 * config command that the configuration carries for the first time,
 * confirms the sync requests this fetch fulfils, and hands queued push
 * commands to the push hub again. `commands` are the open commands as read
 * before the delivery marked them sent.
 */
export async function recordCommandDelivery(
  ctx: AppContext,
  device: DeviceRow,
  commands: readonly CommandRow[],
  delivery: CommandDelivery,
  now: number,
): Promise<void> {
  const delivered = new Set(delivery.deliveredIds);
  for (const command of commands) {
    if (command.state === 'queued' && delivered.has(command.id)) await auditDelivery(ctx, device, command, 'configuration', now);
  }

  // The open commands were read before this delivery, so these steps need
  // no further query when the device has no sync or push command waiting.
  if (commands.some((command) => command.type === 'sync')) {
    await ctx.store.commands.transitionOpen(device.id, device.enrolment_generation, ['sync'], 'confirmed', now);
  }
  await resendQueuedPush(ctx, device, commands);
}

/**
 * Sets the lost-mode fields over the configuration of a device in lost
 * mode: locked with its message and asking for GPS updates.
 */
export function applyLostMode(config: ServerConfig, device: DeviceRow): void {
  if (device.lost_mode_since === null) return;
  Object.assign(config, lostModeFlags(device.lost_mode_message));
}
