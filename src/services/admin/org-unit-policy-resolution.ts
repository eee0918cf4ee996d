import type { AppContext } from '../../context.js';
import { resolvePolicy } from '../../domain/policy-resolution.js';
import type { Store } from '../../store/store.js';
import { notifyConfigChanged } from '../agent/notify.js';

/**
 * Recomputes the effective policy (devices.policy_id) of the devices in an
 * org unit's subtree (by its path), of one device, or of every device when
 * neither is given. Stores the policy and its source, and returns the agent
 * device ids whose effective policy changed.
 */
export async function recomputeEffectivePolicies(
  store: Store,
  now: number,
  target: { subtreePath?: string | null; devicePk?: string } = {},
): Promise<string[]> {
  const devices = await store.orgUnitPolicies.listDeviceInputs(target);
  if (devices.length === 0) return [];
  const unitPolicies = await store.orgUnitPolicies.mapAll();

  // Devices that get the same result are written together, so one
  // assignment on a large subtree costs a few statements, not one per device.
  const groups = new Map<string, { effective: { policyId: string | null; source: string; sourceUnitId: string | null }; pks: string[] }>();
  const changed: string[] = [];
  for (const device of devices) {
    const resolved = resolvePolicy(
      { explicitPolicyId: device.explicit_policy_id, enrolmentPolicyId: device.enrolment_policy_id, orgUnitPath: device.org_unit_path },
      unitPolicies,
    );
    const effective = {
      policyId: resolved.policyId,
      source: resolved.source.kind,
      sourceUnitId: resolved.source.kind === 'org_unit' ? resolved.source.orgUnitId : null,
    };
    const same =
      device.policy_id === effective.policyId &&
      device.policy_source === effective.source &&
      device.policy_source_unit_id === effective.sourceUnitId;
    if (same) continue;

    const key = JSON.stringify(effective);
    const group = groups.get(key) ?? { effective, pks: [] };
    group.pks.push(device.id);
    groups.set(key, group);
    if (device.policy_id !== effective.policyId) changed.push(device.device_id);
  }

  for (const group of groups.values()) await store.orgUnitPolicies.setEffective(group.pks, group.effective, now);
  return changed;
}

/**
 * Recomputes every device's effective policy and wakes those whose policy
 * changed. The DHIS2 sync calls it after it moved org units, because a move
 * changes which unit assignments lie on a device's path.
 */
export async function recomputeAllEffectivePolicies(ctx: AppContext): Promise<number> {
  const changed = await recomputeEffectivePolicies(ctx.store, ctx.now());
  notifyConfigChanged(ctx, changed);
  if (changed.length > 0) ctx.logger.info({ devices: changed.length }, 'effective policies recomputed');
  return changed.length;
}
