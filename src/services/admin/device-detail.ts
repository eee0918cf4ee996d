import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import type { DeviceRow } from '../../store/schema.js';
import { loadContactThresholds } from './contact-state.js';
import { loadDeviceForCaller } from './device-access.js';
import { toCommandView, toDeviceSummary, type CommandView, type DeviceSummary } from './device-view.js';

export interface InstalledAppView {
  packageName: string;
  versionName: string | null;
  versionCode: number | null;
  expectedVersionCode: number | null;
  upToDate: boolean | null;
}

export interface DeviceDetail extends DeviceSummary {
  imei2: string | null;
  cpu: string | null;
  mdmMode: number | null;
  agentPackage: string | null;
  launcherType: string | null;
  installedApps: InstalledAppView[];
  rawInfo: unknown;
  recentLocations: Array<{ lat: number; lon: number; at: number }>;
  commands: CommandView[];
}

// Enough for the detail page's map trail and command history; older entries
// belong to dedicated history views.
const RECENT_LOCATIONS = 20;
const RECENT_COMMANDS = 20;

/** Returns one device with its installed apps compared to its policy, recent locations and commands. */
export async function getDevice(ctx: AppContext, caller: Caller, id: string): Promise<DeviceDetail> {
  requireRole(caller, 'viewer');

  const row = await loadDeviceForCaller(ctx, caller, id);
  return buildDeviceDetail(ctx, row);
}

export async function buildDeviceDetail(ctx: AppContext, row: DeviceRow): Promise<DeviceDetail> {
  const policy = row.policy_id === null ? undefined : await ctx.store.policies.findById(row.policy_id);
  const worker = row.dhis2_user_id === null ? undefined : await ctx.store.assignments.findDhis2UserByUid(row.dhis2_user_id);
  const locations = await ctx.store.locations.listForDevice(row.id, 0, Number.MAX_SAFE_INTEGER, RECENT_LOCATIONS);
  const commands = await ctx.store.commands.listForDevice(row.id, RECENT_COMMANDS);

  return {
    ...toDeviceSummary(ctx, { ...row, policy_name: policy?.name ?? null, dhis2_username: worker?.username ?? null }, await loadContactThresholds(ctx)),
    imei2: row.imei2,
    cpu: row.cpu,
    mdmMode: row.mdm_mode,
    agentPackage: row.agent_package,
    launcherType: row.launcher_type,
    installedApps: await compareInstalledApps(ctx, row),
    rawInfo: parseInfo(row.info_json),
    recentLocations: locations.map((fix) => ({ lat: fix.lat, lon: fix.lon, at: fix.taken_at })),
    commands: commands.map(toCommandView),
  };
}

/**
 * Lists the device's reported apps and the apps its policy installs. The
 * agent reports only a versionName, so the versionCode is that of the
 * uploaded version of the package with that name (the highest when several
 * share it). An app the policy installs but the device lacks is listed with
 * a null versionName. upToDate is null when the policy names no version.
 */
async function compareInstalledApps(ctx: AppContext, row: DeviceRow): Promise<InstalledAppView[]> {
  const installed = await ctx.store.devices.listInstalledApps(row.id);
  const policyApps = row.policy_id === null ? [] : await ctx.store.policies.listAppsWithVersions(row.policy_id);

  const expected = new Map<string, number>();
  for (const app of policyApps) {
    if (app.action === 'install' && app.version_code !== null) expected.set(app.package_name, app.version_code);
  }

  const reported = new Map(installed.map((app) => [app.package_name, app.version_name]));
  for (const packageName of expected.keys()) {
    if (!reported.has(packageName)) reported.set(packageName, null);
  }

  const versions = await ctx.store.apps.listVersionsOfPackages([...reported.keys()]);
  const views: InstalledAppView[] = [];
  for (const [packageName, versionName] of reported) {
    const match = versions.find((version) => version.package_name === packageName && version.version_name === versionName);
    const versionCode = versionName === null ? null : (match?.version_code ?? null);
    const expectedVersionCode = expected.get(packageName) ?? null;

    views.push({
      packageName,
      versionName,
      versionCode,
      expectedVersionCode,
      upToDate: expectedVersionCode === null ? null : versionCode === expectedVersionCode,
    });
  }
  return views.sort((a, b) => a.packageName.localeCompare(b.packageName));
}

function parseInfo(infoJson: string | null): unknown {
  if (infoJson === null) return null;
  try {
    return JSON.parse(infoJson) as unknown;
  } catch {
    return null;
  }
}
