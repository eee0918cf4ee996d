import type { AppContext } from '../../context.js';
import type { AgentApplication } from '../../domain/agent-config.js';
import type { DeviceInfo } from '../../domain/agent-reports.js';
import type { AppTarget } from '../../domain/compliance.js';
import type { PolicyOverrides } from '../../domain/policy-rules.js';
import type { DeviceRow, PolicyRow } from '../../store/schema.js';

// Called by the agent services: they record which policy version a device
// fetched and when it applied it. Admin services read the records back.

/** Loads the device's overrides and their revision, which is 0 when it never had any. */
export async function loadDeviceOverrides(
  ctx: AppContext,
  devicePk: string,
): Promise<{ overrides: PolicyOverrides | null; revision: number }> {
  const row = await ctx.store.deviceOverrides.find(devicePk);
  if (!row) return { overrides: null, revision: 0 };

  const overrides = JSON.parse(row.settings_json) as PolicyOverrides;
  return { overrides: Object.keys(overrides).length === 0 ? null : overrides, revision: row.revision };
}

/** Records the policy version, override revision and app entries of a configuration sent to the device. */
export async function recordPolicyFetch(
  ctx: AppContext,
  device: DeviceRow,
  policy: PolicyRow | undefined,
  overrideRevision: number,
  applications: readonly AgentApplication[],
  now: number,
): Promise<void> {
  // After a factory reset and a new enrolment, the phone runs nothing it applied before.
  await forgetEarlierEnrolment(ctx, device);
  const targets: AppTarget[] = applications.map((entry) =>
    'remove' in entry
      ? { packageName: entry.pkg, action: 'remove', versionCode: null, versionName: null }
      : { packageName: entry.pkg, action: 'install', versionCode: entry.code, versionName: entry.version },
  );
  await ctx.store.policyState.recordFetch(
    device.id,
    {
      policyId: policy?.id ?? null,
      policyVersion: policy?.version ?? null,
      overrideRevision,
      appsJson: JSON.stringify(targets),
    },
    now,
  );
}

/**
 * Marks the last fetched policy version as applied, because the device sent
 * a report after fetching it, and keeps the agent's reported permissions.
 * The agent reports after applying each sync. A fetch made before the
 * device's current enrolment is forgotten first, not applied: it was made
 * by the phone's installation before a factory reset, or recorded on a
 * record since merged into this one.
 * NOTE: its 15-minute report can cross a sync in flight, so a report sent
 * just before the phone applied a configuration may mark it applied early.
 */
export async function recordPolicyReport(ctx: AppContext, device: DeviceRow, info: DeviceInfo, now: number): Promise<void> {
  await forgetEarlierEnrolment(ctx, device);
  if (Array.isArray(info.permissions)) {
    await ctx.store.policyState.recordPermissions(device.id, JSON.stringify(info.permissions));
  }
  await ctx.store.policyState.markApplied(device.id, now);
}

/**
 * Clears the fetched and applied versions recorded before the device's
 * current enrolment. It reads first, because a write on every sync and
 * report would take SQLite's write lock for nothing in the usual case.
 */
async function forgetEarlierEnrolment(ctx: AppContext, device: DeviceRow): Promise<void> {
  const state = await ctx.store.policyState.find(device.id);
  if (!state) return;

  const before = (time: number | null) => time !== null && time < device.enrolled_at;
  if (before(state.fetched_at) || before(state.applied_at)) {
    await ctx.store.policyState.forgetEarlierEnrolment(device.id, device.enrolled_at);
  }
}
