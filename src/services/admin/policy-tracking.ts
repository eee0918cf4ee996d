import type { AppContext } from '../../context.js';
import type { AgentApplication } from '../../domain/agent-config.js';
import type { DeviceInfo } from '../../domain/agent-reports.js';
import type { AppTarget } from '../../domain/compliance.js';
import type { PolicyOverrides } from '../../domain/policy-rules.js';
import type { FetchedPolicy } from '../../store/repositories/policy-state.js';
import type { DevicePolicyStateRow, DeviceRow, PolicyRow } from '../../store/schema.js';

// Called by the agent services: they record which policy version a device
// fetched and when it applied it. Admin services read the records back.
// Each function takes the device's tracking row as the request read it, so
// a sync or report that changes nothing writes nothing.

/** A device's overrides and their revision, which is 0 when it never had any. */
export interface DeviceOverrides {
  overrides: PolicyOverrides | null;
  revision: number;
}

/** Loads the device's overrides and their revision. */
export async function loadDeviceOverrides(ctx: AppContext, devicePk: string): Promise<DeviceOverrides> {
  const row = await ctx.store.deviceOverrides.find(devicePk);
  return readDeviceOverrides(row ? { settingsJson: row.settings_json, revision: row.revision } : null);
}

/** Reads a stored overrides row; empty overrides count as none. */
export function readDeviceOverrides(row: { settingsJson: string; revision: number } | null): DeviceOverrides {
  if (!row) return { overrides: null, revision: 0 };

  const overrides = JSON.parse(row.settingsJson) as PolicyOverrides;
  return { overrides: Object.keys(overrides).length === 0 ? null : overrides, revision: row.revision };
}

/** Returns the fetch record of a configuration: policy version, override revision and app entries. */
export function fetchedPolicyOf(
  policy: PolicyRow | undefined,
  overrideRevision: number,
  applications: readonly AgentApplication[],
): FetchedPolicy {
  const targets: AppTarget[] = applications.map((entry) =>
    'remove' in entry
      ? { packageName: entry.pkg, action: 'remove', versionCode: null, versionName: null }
      : { packageName: entry.pkg, action: 'install', versionCode: entry.code, versionName: entry.version },
  );
  return {
    policyId: policy?.id ?? null,
    policyVersion: policy?.version ?? null,
    overrideRevision,
    appsJson: JSON.stringify(targets),
  };
}

/**
 * Returns whether a fetch must be recorded: the device never fetched since
 * its current enrolment, or the configuration differs from the one it
 * fetched last. So fetched_at is the first time the device fetched the
 * configuration it has now; devices.last_config_at is its last sync.
 */
export function fetchNeedsRecord(device: DeviceRow, state: DevicePolicyStateRow | null, fetched: FetchedPolicy): boolean {
  if (state === null || state.fetched_at === null || state.fetched_at < device.enrolled_at) return true;
  return (
    state.fetched_policy_id !== fetched.policyId ||
    numberOrNull(state.fetched_policy_version) !== fetched.policyVersion ||
    numberOrNull(state.fetched_override_revision) !== fetched.overrideRevision ||
    state.fetched_apps_json !== fetched.appsJson
  );
}

/**
 * Records the configuration sent to the device, unless fetchNeedsRecord
 * finds it recorded already. `state` is the device's tracking row as read
 * before the delivery.
 */
export async function recordPolicyFetch(
  ctx: AppContext,
  device: DeviceRow,
  state: DevicePolicyStateRow | null,
  fetched: FetchedPolicy,
  now: number,
): Promise<void> {
  if (!fetchNeedsRecord(device, state, fetched)) return;

  // After a factory reset and a new enrolment, the phone runs nothing it applied before.
  await forgetEarlierEnrolment(ctx, device, state);
  await ctx.store.policyState.recordFetch(device.id, fetched, now);
}

/** Returns whether recordPolicyReport would write for this report. */
export function reportNeedsRecord(device: DeviceRow, state: DevicePolicyStateRow | null, info: DeviceInfo): boolean {
  if (state === null) return Array.isArray(info.permissions);
  if (isBeforeEnrolment(device, state)) return true;
  if (Array.isArray(info.permissions) && JSON.stringify(info.permissions) !== state.reported_permissions_json) return true;
  return fetchNotApplied(state);
}

/**
 * Marks the last fetched policy version as applied, because the device sent
 * a report after fetching it, and keeps the agent's reported permissions.
 * The agent reports after applying each sync. A fetch made before the
 * device's current enrolment is forgotten first, not applied: it was made
 * by the phone's installation before a factory reset, or recorded on a
 * record since merged into this one. `state` is the device's tracking row
 * as read before the report; writes that would change nothing are skipped.
 * NOTE: its 15-minute report can cross a sync in flight, so a report sent
 * just before the phone applied a configuration may mark it applied early.
 */
export async function recordPolicyReport(
  ctx: AppContext,
  device: DeviceRow,
  state: DevicePolicyStateRow | null,
  info: DeviceInfo,
  now: number,
): Promise<void> {
  const forgotten = await forgetEarlierEnrolment(ctx, device, state);
  if (Array.isArray(info.permissions)) {
    const permissionsJson = JSON.stringify(info.permissions);
    if (state?.reported_permissions_json !== permissionsJson) await ctx.store.policyState.recordPermissions(device.id, permissionsJson);
  }
  // markApplied repeats the comparison in SQL, so a fetch recorded since the read is not missed.
  if (state !== null && (forgotten || fetchNotApplied(state))) await ctx.store.policyState.markApplied(device.id, now);
}

/**
 * Clears the fetched and applied versions recorded before the device's
 * current enrolment, when `state` shows any. Returns whether it did.
 */
async function forgetEarlierEnrolment(ctx: AppContext, device: DeviceRow, state: DevicePolicyStateRow | null): Promise<boolean> {
  if (state === null || !isBeforeEnrolment(device, state)) return false;
  await ctx.store.policyState.forgetEarlierEnrolment(device.id, device.enrolled_at);
  return true;
}

function isBeforeEnrolment(device: DeviceRow, state: DevicePolicyStateRow): boolean {
  const before = (time: number | null) => time !== null && Number(time) < device.enrolled_at;
  return before(state.fetched_at) || before(state.applied_at);
}

/** Checks whether the fetched columns differ from the applied ones, as markApplied compares them. */
function fetchNotApplied(state: DevicePolicyStateRow): boolean {
  if (state.fetched_at === null) return false;
  return (
    state.applied_at === null ||
    (state.applied_policy_id ?? '') !== (state.fetched_policy_id ?? '') ||
    (numberOrNull(state.applied_policy_version) ?? -1) !== (numberOrNull(state.fetched_policy_version) ?? -1) ||
    (numberOrNull(state.applied_override_revision) ?? -1) !== (numberOrNull(state.fetched_override_revision) ?? -1)
  );
}

function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
