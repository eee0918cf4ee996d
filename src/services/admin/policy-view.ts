import type { AppContext } from '../../context.js';
import { parsePolicySettings } from '../../domain/agent-config.js';
import { paidSettingsInUse, type PolicySettingName, type PolicySettings } from '../../domain/policy-settings.js';
import type { PolicyRolloutCounts } from '../../store/repositories/policy-state.js';
import type { PolicyRow } from '../../store/schema.js';

export interface PolicyAppView {
  packageName: string;
  appVersionId: string | null;
  versionCode: number | null;
  versionName: string | null;
  action: 'install' | 'remove';
}

/** Policy settings as the API shows them: the admin-panel password hash is never sent back. */
export type PolicySettingsView = Omit<PolicySettings, 'adminPasswordMd5'>;

export interface PolicyView {
  id: string;
  name: string;
  description: string;
  version: number;
  settings: PolicySettingsView;
  adminPasswordSet: boolean;
  /** Restriction keys outside the catalogue, applied as given. */
  unknownRestrictions: string[];
  /** Settings in use that only a paid agent build applies. */
  paidAgentSettings: PolicySettingName[];
  apps: PolicyAppView[];
  deviceCount: number;
  /** The policy's devices by where they stand with the current version. */
  devices: PolicyRolloutCounts;
  updatedAt: number;
}

const NO_DEVICES: PolicyRolloutCounts = { applied: 0, pending: 0, neverFetched: 0 };

/** Splits stored settings into what the API may show and whether a password is set. */
export function settingsView(settings: PolicySettings): { settings: PolicySettingsView; adminPasswordSet: boolean } {
  const { adminPasswordMd5, ...shown } = settings;
  return { settings: shown, adminPasswordSet: adminPasswordMd5 !== null };
}

export async function toPolicyView(
  ctx: AppContext,
  row: PolicyRow,
  deviceCount: number,
  counts: PolicyRolloutCounts = NO_DEVICES,
): Promise<PolicyView> {
  const apps = await ctx.store.policies.listAppsWithVersions(row.id);
  // Stored settings are merged over the defaults, so a setting added in a
  // later release appears with its default on policies saved before it.
  const settings = parsePolicySettings(row.settings_json);

  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    ...settingsView(settings),
    unknownRestrictions: settings.extraRestrictions,
    paidAgentSettings: paidSettingsInUse(settings),
    apps: apps.map((app) => ({
      packageName: app.package_name,
      appVersionId: app.app_version_id,
      versionCode: app.version_code,
      versionName: app.version_name,
      action: app.action,
    })),
    deviceCount,
    devices: counts,
    updatedAt: row.updated_at,
  };
}
