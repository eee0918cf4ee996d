import type { AppContext } from '../../context.js';
import { parsePolicySettings } from '../../domain/agent-config.js';
import {
  appState,
  complianceIssues,
  decodePermissions,
  paidSettingsState,
  policyStanding,
  type AgentPermissions,
  type AppState,
  type AppTarget,
  type ComplianceIssue,
  type PaidSettingsState,
  type PolicyState,
} from '../../domain/compliance.js';
import { effectiveSettings, type PolicyOverrides } from '../../domain/policy-rules.js';
import type { PolicySettingName } from '../../domain/policy-settings.js';
import { findRestriction } from '../../domain/restriction-catalog.js';
import type { DeviceComplianceFacts } from '../../store/repositories/compliance.js';
import type { AppVersionRow } from '../../store/schema.js';
import { versionCodeOfName } from '../rollouts/rollout-model.js';

/** Text the API gives for a fact the open-source agent never reports. */
export const NOT_REPORTED = 'not reported by this agent';

export interface AppCompliance {
  packageName: string;
  action: 'install' | 'remove';
  targetVersionCode: number | null;
  targetVersionName: string | null;
  installedVersionName: string | null;
  installedVersionCode: number | null;
  state: AppState;
}

export interface RestrictionCompliance {
  key: string;
  known: boolean;
  /** API level that introduced it, when known. */
  minSdk: number | null;
  /** True when the device's Android version predates the restriction, which it then ignores. */
  unsupportedByAndroid: boolean;
}

export interface DeviceCompliance {
  devicePk: string;
  deviceId: string;
  model: string | null;
  lastContactAt: number | null;
  compliant: boolean;
  issues: ComplianceIssue[];
  policy: {
    policyId: string | null;
    policyName: string | null;
    state: PolicyState;
    currentVersion: number | null;
    fetchedVersion: number | null;
    appliedVersion: number | null;
    fetchedCurrent: boolean;
    overrideRevision: number;
    appliedOverrideRevision: number | null;
    fetchedAt: number | null;
    appliedAt: number | null;
  };
  /** Null before the device fetched a configuration, because the targets are those of the last fetch. */
  apps: AppCompliance[] | null;
  deviceOwner: boolean | null;
  password: { required: string | null; reported: typeof NOT_REPORTED };
  restrictions: { required: RestrictionCompliance[]; reported: typeof NOT_REPORTED };
  paidSettings: { state: PaidSettingsState; settings: PolicySettingName[] };
  capabilities: {
    launcherType: string | null;
    agentVersion: string | null;
    androidVersion: string | null;
    sdkLevel: number | null;
    permissions: AgentPermissions | null;
  };
}

/** Catalogue versions by package, as versionCodeOfName needs them. */
export type VersionCatalogue = ReadonlyMap<string, readonly AppVersionRow[]>;

/** Loads every app version of the packages the devices' last configurations named. */
export async function loadVersionCatalogue(ctx: AppContext, facts: readonly DeviceComplianceFacts[]): Promise<VersionCatalogue> {
  const packages = new Set<string>();
  for (const fact of facts) for (const target of parseTargets(fact.fetched_apps_json) ?? []) packages.add(target.packageName);

  const catalogue = new Map<string, AppVersionRow[]>();
  for (const version of await ctx.store.apps.listVersionsOfPackages([...packages])) {
    const list = catalogue.get(version.package_name) ?? [];
    list.push(version);
    catalogue.set(version.package_name, list);
  }
  return catalogue;
}

/**
 * Evaluates one device. App targets are the entries of the configuration the
 * device last fetched, which the rollout code decided at delivery time.
 */
export function evaluateDevice(
  fact: DeviceComplianceFacts,
  installed: ReadonlyMap<string, string | null>,
  catalogue: VersionCatalogue,
): DeviceCompliance {
  const overrideRevision = fact.override_revision ?? 0;
  const current =
    fact.policy_id !== null && fact.policy_version !== null
      ? { policyId: fact.policy_id, version: fact.policy_version, overrideRevision }
      : null;
  const standing = policyStanding(current, fact.fetched_at === null ? null : trackingOf(fact));

  const overrides = fact.override_settings_json ? (JSON.parse(fact.override_settings_json) as PolicyOverrides) : null;
  // The settings the configuration carries: overrides that break a rule are left out of it.
  const { settings } = effectiveSettings(parsePolicySettings(fact.policy_settings_json), overrides);
  const apps = appCompliance(parseTargets(fact.fetched_apps_json), installed, catalogue);
  const permissions = fact.reported_permissions_json ? decodePermissions(JSON.parse(fact.reported_permissions_json)) : null;
  const deviceOwner = fact.mdm_mode === null ? null : fact.mdm_mode === 1;
  const paid = paidSettingsState(settings, fact.launcher_type);

  const issues = complianceIssues({
    policy: standing,
    appStates: (apps ?? []).map((app) => app.state),
    deviceOwner,
    permissions,
    paidSettings: paid.state,
  });

  return {
    devicePk: fact.id,
    deviceId: fact.device_id,
    model: fact.model,
    lastContactAt: fact.last_contact_at,
    compliant: issues.length === 0,
    issues,
    policy: {
      policyId: fact.policy_id,
      policyName: fact.policy_name,
      state: standing.state,
      currentVersion: fact.policy_version,
      fetchedVersion: fact.fetched_policy_id === fact.policy_id ? fact.fetched_policy_version : null,
      appliedVersion: fact.applied_policy_id === fact.policy_id ? fact.applied_policy_version : null,
      fetchedCurrent: standing.fetchedCurrent,
      overrideRevision,
      appliedOverrideRevision: fact.applied_override_revision,
      fetchedAt: fact.fetched_at,
      appliedAt: fact.applied_at,
    },
    apps,
    deviceOwner,
    password: { required: current ? settings.passwordMode : null, reported: NOT_REPORTED },
    restrictions: {
      required: current ? restrictionCompliance([...settings.restrictions, ...settings.extraRestrictions], fact.sdk_level) : [],
      reported: NOT_REPORTED,
    },
    paidSettings: paid,
    capabilities: {
      launcherType: fact.launcher_type,
      agentVersion: fact.agent_version,
      androidVersion: fact.android_version,
      sdkLevel: fact.sdk_level,
      permissions,
    },
  };
}

function trackingOf(fact: DeviceComplianceFacts) {
  return {
    fetchedPolicyId: fact.fetched_policy_id,
    fetchedPolicyVersion: fact.fetched_policy_version,
    fetchedOverrideRevision: fact.fetched_override_revision,
    fetchedAt: fact.fetched_at,
    appliedPolicyId: fact.applied_policy_id,
    appliedPolicyVersion: fact.applied_policy_version,
    appliedOverrideRevision: fact.applied_override_revision,
    appliedAt: fact.applied_at,
  };
}

function parseTargets(appsJson: string | null): AppTarget[] | null {
  return appsJson === null ? null : (JSON.parse(appsJson) as AppTarget[]);
}

function appCompliance(
  targets: AppTarget[] | null,
  installed: ReadonlyMap<string, string | null>,
  catalogue: VersionCatalogue,
): AppCompliance[] | null {
  if (targets === null) return null;

  return targets.map((target) => {
    const isInstalled = installed.has(target.packageName);
    const versionName = installed.get(target.packageName) ?? null;
    const versionCode = versionCodeOfName(catalogue.get(target.packageName) ?? [], versionName);
    return {
      packageName: target.packageName,
      action: target.action,
      targetVersionCode: target.versionCode,
      targetVersionName: target.versionName,
      installedVersionName: versionName,
      installedVersionCode: versionCode,
      state: appState(target, isInstalled ? { versionName, versionCode } : undefined),
    };
  });
}

function restrictionCompliance(keys: readonly string[], sdk: number | null): RestrictionCompliance[] {
  return keys.map((key) => {
    const info = findRestriction(key);
    const minSdk = info?.minSdk ?? null;
    return { key, known: info !== undefined, minSdk, unsupportedByAndroid: minSdk !== null && sdk !== null && sdk < minSdk };
  });
}
