import type { AppContext } from '../../context.js';
import { CONFIG_COMMAND_TYPES } from '../../domain/agent-commands.js';
import type { DeviceInfo } from '../../domain/agent-reports.js';
import type { DeviceRow } from '../../store/schema.js';
import { ingestDeviceInfo } from './device-info.js';

/** Actions the agent confirms before carrying them out. */
export type ConfirmedAction = 'factoryReset' | 'reboot' | 'passwordReset';

export type ConfirmationResult =
  /** The agent may act: an open command was confirmed, or this repeats a recent confirmation. */
  | { outcome: 'confirmed' | 'repeated' }
  /** No open command requests the action (it was cancelled, expired or never queued). */
  | { outcome: 'not-pending' }
  | { outcome: 'unknown-device' };

// The agent retries a confirmation on its secondary URL when the first
// response is lost. A second request within 5 minutes of the confirmation
// is that retry, so it gets the same success status.
const CONFIRMATION_REPEAT_WINDOW_MS = 5 * 60 * 1000;

/**
 * Records the agent's confirmation of a one-shot action and stores the
 * device report it carries. Confirming closes the command, so the next
 * configuration no longer carries its flag and the action never repeats.
 * The agent wipes or reboots only on a 2xx response, so the caller returns
 * a 4xx for 'not-pending', and a cancelled wipe is never carried out.
 */
export async function confirmAction(
  ctx: AppContext,
  deviceId: string,
  action: ConfirmedAction,
  info: DeviceInfo,
  ip: string,
): Promise<ConfirmationResult> {
  const device = await ingestDeviceInfo(ctx, deviceId, info, ip);
  if (!device) return { outcome: 'unknown-device' };

  const now = ctx.now();
  const types = [...CONFIG_COMMAND_TYPES[action]];

  // The agent sends factoryReset: false when it is no longer device admin,
  // and then it cannot wipe itself, so the wipe fails instead of staying open.
  if (action === 'factoryReset' && info.factoryReset === false) {
    return failWipe(ctx, device, types, now);
  }

  const confirmed = await ctx.store.commands.confirmLive(device.id, device.enrolment_generation, types, now);

  if (confirmed > 0) {
    await ctx.store.audit.record(
      {
        actor: `device:${device.device_id}`,
        action: 'command.confirmed',
        targetType: 'device',
        targetId: device.id,
        details: {
          deviceId: device.device_id,
          type: action,
          commands: confirmed,
          generation: device.enrolment_generation,
        },
      },
      now,
    );
    ctx.logger.info({ deviceId: device.device_id, action, commands: confirmed }, 'device confirmed an action');
    return { outcome: 'confirmed' };
  }

  const latest = await ctx.store.commands.findLatestOfTypes(device.id, device.enrolment_generation, types);
  if (latest?.state === 'confirmed' && now - latest.updated_at <= CONFIRMATION_REPEAT_WINDOW_MS) {
    return { outcome: 'repeated' };
  }

  ctx.logger.warn({ deviceId: device.device_id, action }, 'device confirmed an action that no open command asks for');
  // A rejected wipe or reboot confirmation is a security event, so it is audited.
  await ctx.store.audit.record(
    {
      actor: `device:${device.device_id}`,
      action: 'command.vetoed',
      targetType: 'device',
      targetId: device.id,
      details: { deviceId: device.device_id, type: action, generation: device.enrolment_generation, latestState: latest?.state ?? null },
    },
    now,
  );
  return { outcome: 'not-pending' };
}

async function failWipe(ctx: AppContext, device: DeviceRow, types: string[], now: number): Promise<ConfirmationResult> {
  const failed = await ctx.store.commands.transitionOpen(device.id, device.enrolment_generation, types, 'failed', now);
  if (failed === 0) return { outcome: 'not-pending' };

  await ctx.store.audit.record(
    {
      actor: `device:${device.device_id}`,
      action: 'command.failed',
      targetType: 'device',
      targetId: device.id,
      details: { deviceId: device.device_id, type: 'factoryReset', reason: 'device_admin_inactive', commands: failed },
    },
    now,
  );
  ctx.logger.warn({ deviceId: device.device_id }, 'wipe failed: the agent is not device admin');
  // A refusal keeps the agent from acting on a wipe it reports it cannot do.
  return { outcome: 'not-pending' };
}
