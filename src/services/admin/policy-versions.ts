import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { parsePolicySettings } from '../../domain/agent-config.js';
import type { PolicyAppEntry } from '../../store/repositories/policies.js';
import { findPolicyOrThrow } from './policies.js';
import { settingsView, type PolicySettingsView } from './policy-view.js';

export interface PolicyVersionView {
  version: number;
  current: boolean;
  createdAt: number;
  createdBy: string | null;
  settings: PolicySettingsView;
  adminPasswordSet: boolean;
  apps: { packageName: string; appVersionId: string | null; action: 'install' | 'remove' }[];
  /** Devices of the policy whose last applied version is this one. */
  appliedDevices: number;
}

/** Lists the saved versions of a policy, newest first, with how many devices run each. */
export async function listPolicyVersions(ctx: AppContext, caller: Caller, policyId: string): Promise<PolicyVersionView[]> {
  requireRole(caller, 'viewer');

  const policy = await findPolicyOrThrow(ctx, policyId);
  const versions = await ctx.store.policies.listVersions(policyId);
  const applied = await ctx.store.policyState.countAppliedVersions(policyId);

  return versions.map((row) => {
    const apps = JSON.parse(row.apps_json) as PolicyAppEntry[];
    return {
      version: row.version,
      current: row.version === policy.version,
      createdAt: row.created_at,
      createdBy: row.created_by,
      ...settingsView(parsePolicySettings(row.settings_json)),
      apps: apps.map((app) => ({ packageName: app.packageName, appVersionId: app.appVersionId, action: app.action })),
      appliedDevices: applied.get(row.version) ?? 0,
    };
  });
}
