import { requireRole, type Caller } from '../../auth/caller.js';
import { ForbiddenError } from '../../domain/errors.js';
import { roleAllows } from '../../domain/roles.js';
import type { AppContext } from '../../context.js';
import { parsePolicySettings } from '../../domain/agent-config.js';
import { checkPolicySettings, effectiveSettings, mergeOverrides, SECURITY_SETTINGS, type PolicyOverrides } from '../../domain/policy-rules.js';
import type { DeviceRow } from '../../store/schema.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { loadDeviceForCaller } from './device-access.js';
import { settingsView, type PolicySettingsView } from './policy-view.js';

export interface DeviceOverridesView {
  devicePk: string;
  policyId: string | null;
  /** Settings set on the device itself; an empty object when it has none. */
  overrides: PolicyOverrides;
  /** 0 before the first change. */
  revision: number;
  updatedAt: number | null;
  updatedBy: string | null;
  /** The policy's own settings, before the overrides. */
  policySettings: PolicySettingsView;
  /** Policy settings with the overrides applied, as the device's configuration carries them. */
  effective: PolicySettingsView;
  /**
   * Reason the configuration leaves the overrides out, or null when it
   * applies them. It is set when a later policy change made the merged
   * settings break a rule.
   */
  ignoredOverridesReason: string | null;
}

export async function getDeviceOverrides(ctx: AppContext, caller: Caller, devicePk: string): Promise<DeviceOverridesView> {
  requireRole(caller, 'viewer');

  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  return overridesView(ctx, device);
}

/**
 * Replaces the device's overrides as a new revision, checks the merged
 * settings with the policy rules and wakes the device. An empty object
 * clears them. Overrides equal to the stored ones make no revision.
 */
export async function saveDeviceOverrides(
  ctx: AppContext,
  caller: Caller,
  devicePk: string,
  overrides: PolicyOverrides,
): Promise<DeviceOverridesView> {
  requireRole(caller, 'operator');

  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  const policySettings = await loadPolicySettings(ctx, device);
  // The merged settings must pass the policy rules, so an override of one
  // end of an update window is checked against the policy's other end.
  // Clearing is always allowed, because it leaves the policy as it is.
  if (Object.keys(overrides).length > 0) {
    checkPolicySettings({ ...mergeOverrides(policySettings, overrides) }, 'body.settings');
  }

  const previous = await ctx.store.deviceOverrides.find(device.id);
  const before = previous ? (JSON.parse(previous.settings_json) as PolicyOverrides) : {};
  requireAdminForSecurityChanges(caller, before, overrides);
  // A new revision makes the device pending until its next sync, so saving
  // the same overrides again, or clearing none, changes nothing.
  if (sameOverrides(before, overrides)) return overridesView(ctx, device);

  const now = ctx.now();
  const revision = await ctx.store.deviceOverrides.save(device.id, JSON.stringify(overrides), caller.username, now);

  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: Object.keys(overrides).length === 0 ? 'device.overrides.clear' : 'device.overrides.update',
      targetType: 'device',
      targetId: device.id,
      details: { deviceId: device.device_id, revision, before, after: overrides },
    },
    now,
  );
  notifyConfigChanged(ctx, [device.device_id]);
  return overridesView(ctx, device);
}

function sameOverrides(left: PolicyOverrides, right: PolicyOverrides): boolean {
  const canonical = (overrides: PolicyOverrides) =>
    JSON.stringify(Object.entries(overrides).sort(([a], [b]) => a.localeCompare(b)));
  return canonical(left) === canonical(right);
}

async function loadPolicySettings(ctx: AppContext, device: DeviceRow) {
  const policy = device.policy_id ? await ctx.store.policies.findById(device.policy_id) : undefined;
  return parsePolicySettings(policy?.settings_json ?? null);
}

async function overridesView(ctx: AppContext, device: DeviceRow): Promise<DeviceOverridesView> {
  const row = await ctx.store.deviceOverrides.find(device.id);
  const overrides = row ? (JSON.parse(row.settings_json) as PolicyOverrides) : {};
  const policySettings = await loadPolicySettings(ctx, device);
  const effective = effectiveSettings(policySettings, Object.keys(overrides).length === 0 ? null : overrides);

  return {
    devicePk: device.id,
    policyId: device.policy_id,
    overrides,
    revision: row?.revision ?? 0,
    updatedAt: row?.updated_at ?? null,
    updatedBy: row?.updated_by ?? null,
    policySettings: settingsView(policySettings).settings,
    effective: settingsView(effective.settings).settings,
    ignoredOverridesReason: effective.ignoredOverridesReason,
  };
}

/**
 * Requires the admin role to set or change a security setting on one
 * device, as on a policy. Removing such an override returns the device to
 * its policy, so operators may do that.
 */
function requireAdminForSecurityChanges(caller: Caller, before: PolicyOverrides, after: PolicyOverrides): void {
  const changed = SECURITY_SETTINGS.filter((name) => name in after && JSON.stringify(before[name]) !== JSON.stringify(after[name]));
  if (changed.length === 0 || roleAllows(caller.role, 'admin')) return;
  throw new ForbiddenError(
    `Overriding ${changed.join(', ')} requires the admin role, because these settings guard the phone and its data. Ask an admin, or leave them to the policy.`,
  );
}
