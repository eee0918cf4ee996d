import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { loadDeviceForCaller } from './device-access.js';
import { buildDeviceDetail, type DeviceDetail } from './device-detail.js';
import { orgUnitVisibleTo } from './device-scope.js';
import { recomputeEffectivePolicies } from './org-unit-policy-resolution.js';

export interface DeviceChanges {
  /**
   * The device's own policy, which beats org-unit and enrolment policies;
   * null removes it, so the inherited policy applies again.
   */
  policyId?: string | null;
  /** New org unit, or null to leave the device without one. */
  orgUnitId?: string | null;
  /** DHIS2 user uid of the health worker who carries the phone, or null. */
  dhis2UserId?: string | null;
}

/**
 * Changes a device's own policy, org unit or health worker, recomputes its
 * effective policy and wakes it to fetch its configuration. A caller
 * limited to some org units can move a device only within them.
 */
export async function updateDevice(ctx: AppContext, caller: Caller, id: string, changes: DeviceChanges): Promise<DeviceDetail> {
  requireRole(caller, 'operator');

  if (changes.policyId === undefined && changes.orgUnitId === undefined && changes.dhis2UserId === undefined) {
    throw new InvalidInputError('Nothing to change: send policyId, orgUnitId, dhis2UserId or several of them.', 'body');
  }
  const device = await loadDeviceForCaller(ctx, caller, id);

  if (changes.policyId !== undefined && changes.policyId !== null && !(await ctx.store.policies.findById(changes.policyId))) {
    throw new NotFoundError(`Policy ${changes.policyId} was not found. Choose a policy from the policy list.`, 'body.policyId');
  }
  if (changes.orgUnitId !== undefined) await checkTargetUnit(ctx, caller, changes.orgUnitId);
  if (changes.dhis2UserId !== undefined && changes.dhis2UserId !== null && !(await ctx.store.assignments.findDhis2UserByUid(changes.dhis2UserId))) {
    throw new NotFoundError(
      `DHIS2 user ${changes.dhis2UserId} was not found. Synchronise DHIS2 users, then choose one from the list.`,
      'body.dhis2UserId',
    );
  }

  const now = ctx.now();
  if (changes.policyId !== undefined) await ctx.store.orgUnitPolicies.setExplicit(id, changes.policyId);
  if (changes.orgUnitId !== undefined) await ctx.store.devices.update(id, { org_unit_id: changes.orgUnitId, updated_at: now });
  if (changes.dhis2UserId !== undefined) await ctx.store.assignments.setDeviceUser(id, changes.dhis2UserId, now);
  await recomputeEffectivePolicies(ctx.store, now, { devicePk: id });

  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'device.update',
      targetType: 'device',
      targetId: id,
      details: {
        deviceId: device.device_id,
        ...(changes.policyId !== undefined && { policyId: { from: device.explicit_policy_id, to: changes.policyId } }),
        ...(changes.orgUnitId !== undefined && { orgUnitId: { from: device.org_unit_id, to: changes.orgUnitId } }),
        ...(changes.dhis2UserId !== undefined && { dhis2UserId: { from: device.dhis2_user_id, to: changes.dhis2UserId } }),
      },
    },
    now,
  );
  notifyConfigChanged(ctx, [device.device_id]);

  const updated = await ctx.store.devices.findByPk(id);
  if (!updated) throw new NotFoundError(`Device ${id} was deleted while it was being updated.`, 'params.id');
  return buildDeviceDetail(ctx, updated);
}

/** Checks that a scoped caller moves a device only into a unit inside the scope, and never out of every unit. */
async function checkTargetUnit(ctx: AppContext, caller: Caller, orgUnitId: string | null): Promise<void> {
  if (orgUnitId !== null && !(await ctx.store.orgUnits.findById(orgUnitId))) {
    throw new NotFoundError(`Org unit ${orgUnitId} was not found. Choose one from the org unit list.`, 'body.orgUnitId');
  }
  if (!(await orgUnitVisibleTo(ctx, caller, orgUnitId))) {
    const unit = orgUnitId === null ? 'no org unit' : `org unit ${orgUnitId}`;
    throw new NotFoundError(
      `Cannot move the device to ${unit}: it lies outside the org units you may manage. Choose a unit inside your scope.`,
      'body.orgUnitId',
    );
  }
}
