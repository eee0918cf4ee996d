import type { Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../domain/errors.js';
import type { DeviceRow } from '../../store/schema.js';

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
  if (!device) {
    throw new NotFoundError(`Device ${devicePk} was not found. Take the id from the device list.`, field);
  }
  return device;
}
