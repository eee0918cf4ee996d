import { paidSettingsInUse, type PolicySettings, type PolicySettingName } from './policy-settings.js';

/**
 * State of a device against its policy:
 * - `applied`: it fetched the current policy version (and override revision)
 *   and sent a device report after that fetch;
 * - `pending`: the current version is newer than the one it applied, or it
 *   fetched the current one but has not reported since;
 * - `never-fetched`: no configuration fetch was recorded;
 * - `no-policy`: the device has no policy.
 */
export type PolicyState = 'applied' | 'pending' | 'never-fetched' | 'no-policy';

/** Record of the policy version a device fetched and the one it applied. */
export interface PolicyTracking {
  fetchedPolicyId: string | null;
  fetchedPolicyVersion: number | null;
  fetchedOverrideRevision: number | null;
  fetchedAt: number | null;
  appliedPolicyId: string | null;
  appliedPolicyVersion: number | null;
  appliedOverrideRevision: number | null;
  appliedAt: number | null;
}

/** The policy version and override revision a device should run now. */
export interface CurrentPolicy {
  policyId: string;
  version: number;
  /** 0 when the device has no overrides. */
  overrideRevision: number;
}

export interface PolicyStanding {
  state: PolicyState;
  /** The device fetched the current version but has not reported since. */
  fetchedCurrent: boolean;
}

/** Decides the policy state; a version the device has not fetched is never called applied. */
export function policyStanding(current: CurrentPolicy | null, tracking: PolicyTracking | null): PolicyStanding {
  if (current === null) return { state: 'no-policy', fetchedCurrent: false };
  if (tracking === null || tracking.fetchedAt === null) return { state: 'never-fetched', fetchedCurrent: false };

  const fetchedCurrent =
    tracking.fetchedPolicyId === current.policyId &&
    tracking.fetchedPolicyVersion === current.version &&
    (tracking.fetchedOverrideRevision ?? 0) === current.overrideRevision;
  const appliedCurrent =
    tracking.appliedPolicyId === current.policyId &&
    tracking.appliedPolicyVersion === current.version &&
    (tracking.appliedOverrideRevision ?? 0) === current.overrideRevision;

  // Applied is only ever copied from fetched, so appliedCurrent implies the
  // device fetched this version at some point.
  if (appliedCurrent) return { state: 'applied', fetchedCurrent: true };
  return { state: 'pending', fetchedCurrent };
}

/** An app entry of the configuration the device last fetched. */
export interface AppTarget {
  packageName: string;
  action: 'install' | 'remove';
  versionCode: number | null;
  versionName: string | null;
}

export interface InstalledVersion {
  versionName: string | null;
  /** versionCode of the reported versionName in the app catalogue, or null when the name is not there. */
  versionCode: number | null;
}

/**
 * - `current`: the target version (or a newer one) is installed;
 * - `outdated`: an older version is installed;
 * - `missing`: the app is not installed;
 * - `unknown-version`: the reported versionName is not in the app catalogue;
 * - `removal-pending`: the configuration removes the app, but it is installed;
 * - `removed`: the configuration removes the app, and it is gone.
 */
export type AppState = 'current' | 'outdated' | 'missing' | 'unknown-version' | 'removal-pending' | 'removed';

export function appState(target: AppTarget, installed: InstalledVersion | undefined): AppState {
  if (target.action === 'remove') return installed ? 'removal-pending' : 'removed';
  if (!installed) return 'missing';
  if (target.versionCode === null) return 'current';
  if (installed.versionCode === null) {
    return installed.versionName !== null && installed.versionName === target.versionName ? 'current' : 'unknown-version';
  }
  return installed.versionCode >= target.versionCode ? 'current' : 'outdated';
}

const APP_STATES_OK: ReadonlySet<AppState> = new Set(['current', 'removed']);

export function isAppStateOk(state: AppState): boolean {
  return APP_STATES_OK.has(state);
}

/**
 * The permissions array of the device report, in the agent's order: device
 * admin, draw over other apps, usage stats, accessibility. The open-source
 * agent stubs the checks of the last two, so they say nothing about the phone.
 */
export interface AgentPermissions {
  deviceAdmin: boolean | null;
  drawOverlays: boolean | null;
  usageStats: boolean | null;
  accessibility: boolean | null;
}

export function decodePermissions(reported: unknown): AgentPermissions {
  const flags = Array.isArray(reported) ? reported : [];
  const flag = (index: number): boolean | null => (typeof flags[index] === 'number' ? flags[index] === 1 : null);
  return { deviceAdmin: flag(0), drawOverlays: flag(1), usageStats: flag(2), accessibility: flag(3) };
}

/** launcherType of the open-source agent build. */
export const OPEN_SOURCE_LAUNCHER_TYPE = 'opensource';

/**
 * - `none`: the policy sets no paid-agent setting;
 * - `unsupported`: it does, and the device runs the open-source agent, whose kiosk code is a stub;
 * - `unverified`: it does, and the agent is another build or has not reported its type.
 */
export type PaidSettingsState = 'none' | 'unsupported' | 'unverified';

export function paidSettingsState(settings: PolicySettings, launcherType: string | null): {
  state: PaidSettingsState;
  settings: PolicySettingName[];
} {
  const used = paidSettingsInUse(settings);
  if (used.length === 0) return { state: 'none', settings: [] };
  return { state: launcherType === OPEN_SOURCE_LAUNCHER_TYPE ? 'unsupported' : 'unverified', settings: used };
}

/** Reasons a device needs attention; a device with none is compliant. */
export type ComplianceIssue =
  | 'no-policy'
  | 'never-fetched'
  | 'policy-pending'
  | 'apps-not-current'
  | 'not-device-owner'
  | 'device-admin-off'
  | 'paid-settings-unsupported';

export const COMPLIANCE_ISSUES: readonly ComplianceIssue[] = [
  'no-policy',
  'never-fetched',
  'policy-pending',
  'apps-not-current',
  'not-device-owner',
  'device-admin-off',
  'paid-settings-unsupported',
];

export interface IssueInput {
  policy: PolicyStanding;
  appStates: readonly AppState[];
  /** mdmMode of the last report, null when never reported. */
  deviceOwner: boolean | null;
  permissions: AgentPermissions | null;
  paidSettings: PaidSettingsState;
}

/**
 * Lists what keeps a device from being compliant. Facts the agent does not
 * report (password state, active restrictions) are never counted, in
 * either direction.
 */
export function complianceIssues(input: IssueInput): ComplianceIssue[] {
  const issues: ComplianceIssue[] = [];
  if (input.policy.state === 'no-policy') issues.push('no-policy');
  if (input.policy.state === 'never-fetched') issues.push('never-fetched');
  if (input.policy.state === 'pending') issues.push('policy-pending');
  if (input.appStates.some((state) => !isAppStateOk(state))) issues.push('apps-not-current');
  if (input.deviceOwner === false) issues.push('not-device-owner');
  if (input.permissions?.deviceAdmin === false) issues.push('device-admin-off');
  if (input.paidSettings === 'unsupported') issues.push('paid-settings-unsupported');
  return issues;
}
