import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { lockMessage } from '../../domain/command-payload.js';
import { ConflictError } from '../../domain/errors.js';
import { loadDeviceForCaller } from './device-access.js';
import { queueDeviceCommand } from './device-commands.js';

export interface LostModeView {
  deviceId: string;
  lost: boolean;
  since: number | null;
  message: string | null;
  by: string | null;
}

/**
 * Puts a device in lost mode: its configuration locks the screen with the
 * message and requests GPS location updates for as long as lost mode
 * lasts, over its commands and policy. A lock command is queued
 * too, so the device's command list shows the lock. Calling it again on a
 * lost device replaces the message.
 */
export async function enterLostMode(ctx: AppContext, caller: Caller, devicePk: string, input: { message?: string }): Promise<LostModeView> {
  requireRole(caller, 'operator');
  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  const message = lockMessage(input.message, 'body.message');

  const now = ctx.now();
  const since = device.lost_mode_since ?? now;
  await ctx.store.devices.update(device.id, { lost_mode_since: since, lost_mode_message: message, lost_mode_by: caller.username, updated_at: now });
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: device.lost_mode_since === null ? 'device.lost_mode.entered' : 'device.lost_mode.updated',
      targetType: 'device',
      targetId: device.id,
      details: { deviceId: device.device_id, message },
    },
    now,
  );
  ctx.logger.info({ deviceId: device.device_id, user: caller.username }, 'device put in lost mode');

  await queueDeviceCommand(ctx, { ...device, lost_mode_since: since }, {
    type: 'lock',
    payload: { message },
    createdBy: caller.username,
    expiresInHours: null,
  });
  return { deviceId: device.device_id, lost: true, since, message, by: caller.username };
}

/**
 * Ends lost mode: the device is unlocked, and its configuration takes the
 * policy's own location setting again.
 */
export async function leaveLostMode(ctx: AppContext, caller: Caller, devicePk: string): Promise<LostModeView> {
  requireRole(caller, 'operator');
  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  if (device.lost_mode_since === null) {
    throw new ConflictError('not_lost', `Device ${device.device_id} is not in lost mode.`, 'params.id');
  }

  const now = ctx.now();
  await ctx.store.devices.update(device.id, { lost_mode_since: null, lost_mode_message: null, lost_mode_by: null, updated_at: now });
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'device.lost_mode.left',
      targetType: 'device',
      targetId: device.id,
      details: { deviceId: device.device_id, lostSince: device.lost_mode_since, lostBy: device.lost_mode_by },
    },
    now,
  );
  ctx.logger.info({ deviceId: device.device_id, user: caller.username }, 'device left lost mode');

  await queueDeviceCommand(ctx, { ...device, lost_mode_since: null }, {
    type: 'unlock',
    payload: undefined,
    createdBy: caller.username,
    expiresInHours: null,
  });
  return { deviceId: device.device_id, lost: false, since: null, message: null, by: null };
}

/** Returns a device's lost-mode state. */
export async function getLostMode(ctx: AppContext, caller: Caller, devicePk: string): Promise<LostModeView> {
  requireRole(caller, 'viewer');
  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  return {
    deviceId: device.device_id,
    lost: device.lost_mode_since !== null,
    since: device.lost_mode_since,
    message: device.lost_mode_message,
    by: device.lost_mode_by,
  };
}
