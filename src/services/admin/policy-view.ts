import type { AppContext } from '../../context.js';
import { defaultPolicySettings, type PolicySettings } from '../../domain/policy-settings.js';
import type { PolicyRow } from '../../store/schema.js';

export interface PolicyAppView {
  packageName: string;
  appVersionId: string | null;
  versionCode: number | null;
  versionName: string | null;
  action: 'install' | 'remove';
}

export interface PolicyView {
  id: string;
  name: string;
  description: string;
  version: number;
  settings: PolicySettings;
  apps: PolicyAppView[];
  deviceCount: number;
  updatedAt: number;
}

export async function toPolicyView(ctx: AppContext, row: PolicyRow, deviceCount: number): Promise<PolicyView> {
  const apps = await ctx.store.policies.listAppsWithVersions(row.id);

  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    // Stored settings are merged over the defaults, so a setting added in a
    // later release appears with its default on policies saved before it.
    settings: { ...defaultPolicySettings(), ...(JSON.parse(row.settings_json) as Partial<PolicySettings>) },
    apps: apps.map((app) => ({
      packageName: app.package_name,
      appVersionId: app.app_version_id,
      versionCode: app.version_code,
      versionName: app.version_name,
      action: app.action,
    })),
    deviceCount,
    updatedAt: row.updated_at,
  };
}
