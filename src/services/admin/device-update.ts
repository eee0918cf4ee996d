import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import type { DeviceUpdate } from '../../store/schema.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { buildDeviceDetail, type DeviceDetail } from './device-detail.js';

export interface DeviceChanges {
  /** New policy, or null to leave the device without one. */
  policyId?: string | null;
  /** New org unit, or null to leave the device without one. */
  orgUnitId?: string | null;
}

/** Moves a device to another policy or org unit and wakes it to fetch its configuration. */
export async function updateDevice(ctx: AppContext, caller: Caller, id: string, changes: DeviceChanges): Promise<DeviceDetail> {
  requireRole(caller, 'operator');

  if (changes.policyId === undefined && changes.orgUnitId === undefined) {
    throw new InvalidInputError('Nothing to change: send policyId, orgUnitId or both.', 'body');
  }
  const device = await ctx.store.devices.findByPk(id);
  if (!device) throw new NotFoundError(`Device ${id} was not found. Take the id from the device list.`, 'params.id');

  const now = ctx.now();
  const update: DeviceUpdate = { updated_at: now };
  if (changes.policyId !== undefined) {
    if (changes.policyId !== null && !(await ctx.store.policies.findById(changes.policyId))) {
      throw new NotFoundError(`Policy ${changes.policyId} was not found. Choose a policy from the policy list.`, 'body.policyId');
    }
    update.policy_id = changes.policyId;
  }
  if (changes.orgUnitId !== undefined) {
    if (changes.orgUnitId !== null && !(await ctx.store.orgUnits.findById(changes.orgUnitId))) {
      throw new NotFoundError(`Org unit ${changes.orgUnitId} was not found. Choose one from the org unit list.`, 'body.orgUnitId');
    }
    update.org_unit_id = changes.orgUnitId;
  }

  await ctx.store.devices.update(id, update);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'device.update',
      targetType: 'device',
      targetId: id,
      details: {
        deviceId: device.device_id,
        ...(changes.policyId !== undefined && { policyId: { from: device.policy_id, to: changes.policyId } }),
        ...(changes.orgUnitId !== undefined && { orgUnitId: { from: device.org_unit_id, to: changes.orgUnitId } }),
      },
    },
    now,
  );
  notifyConfigChanged(ctx, [device.device_id]);

  const updated = await ctx.store.devices.findByPk(id);
  if (!updated) throw new NotFoundError(`Device ${id} was deleted while it was being updated.`, 'params.id');
  return buildDeviceDetail(ctx, updated);
}
