import type { Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../domain/errors.js';
import type { DeviceRow } from '../../store/schema.js';
import { orgUnitVisibleTo } from './device-scope.js';

/**
 * Loads a device a console user asked for by its record id. Every admin
 * service that takes a device id goes through here, so that the org-unit
 * scope check lives in one place: a device that does not exist and a
 * device outside the caller's scope give the same NotFoundError.
 */
export async function loadDeviceForCaller(
  ctx: AppContext,
  caller: Caller,
  devicePk: string,
  field = 'params.id',
): Promise<DeviceRow> {
  const device = await ctx.store.devices.findByPk(devicePk);
  if (!device || !(await orgUnitVisibleTo(ctx, caller, device.org_unit_id))) {
    throw new NotFoundError(`Device ${devicePk} was not found. Take the id from the device list.`, field);
  }
  return device;
}

/**
 * Loads several devices by record id for a bulk action, with the same rule:
 * the first id that is missing or out of scope fails the whole request.
 */
export async function loadDevicesForCaller(
  ctx: AppContext,
  caller: Caller,
  devicePks: readonly string[],
  field = 'body.deviceIds',
): Promise<DeviceRow[]> {
  const devices: DeviceRow[] = [];
  for (const [index, pk] of devicePks.entries()) devices.push(await loadDeviceForCaller(ctx, caller, pk, `${field}[${index}]`));
  return devices;
}
