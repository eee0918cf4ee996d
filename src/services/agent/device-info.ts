import type { AppContext } from '../../context.js';
import type { DeviceInfo } from '../../domain/agent-reports.js';
import { apiLevelOfRelease } from '../../domain/android-release.js';
import type { DeviceRow, DeviceUpdate } from '../../store/schema.js';
import { recordPolicyReport } from '../admin/policy-tracking.js';
import { recordReportedVersions } from '../rollouts/rollout-reports.js';
import { ingestLocation, type LocationIngestResult } from './location-ingest.js';
import { checkReporter, mergeIntoEarlierRecord } from './rebind.js';

// Package of the open-source agent build. The report does not name the
// agent's own package.
// NOTE: a custom agent build with another package gets no agent version.
const AGENT_PACKAGE = 'com.hmdm.launcher';

/**
 * Stores a device report under `deviceId`: inventory, installed config
 * apps, last known location and the raw report. Returns the device record,
 * which may be an earlier record of the same phone after a re-bind, or
 * null when no device has that id or checkReporter rejects the report.
 */
export async function ingestDeviceInfo(
  ctx: AppContext,
  deviceId: string,
  info: DeviceInfo,
  ip: string,
): Promise<DeviceRow | null> {
  const reporter = await ctx.store.devices.findByDeviceId(deviceId);
  if (!reporter) return null;
  // A second phone using this id, or a phone the enrolment rules reject, changes nothing.
  if ((await checkReporter(ctx, reporter, info, ip)) !== 'accepted') return null;

  const device = await mergeIntoEarlierRecord(ctx, reporter, info);
  const now = ctx.now();
  const changes: DeviceUpdate = {
    ...inventoryChanges(info),
    agent_package: AGENT_PACKAGE,
    last_contact_at: now,
    last_info_at: now,
    external_ip: ip,
    info_json: JSON.stringify(info),
    updated_at: now,
  };
  const agentVersion = info.applications?.find((app) => app.pkg === AGENT_PACKAGE)?.version;
  if (agentVersion) changes.agent_version = agentVersion;

  // The last position is written by ingestLocation alone, with a condition
  // on its time, so `changes` never carries it and cannot move it backwards.
  let lastPosition: LocationIngestResult['lastPosition'] = null;
  if (info.location) {
    const { ts, lat, lon } = info.location;
    ({ lastPosition } = await ingestLocation(ctx, device.id, { takenAt: ts, lat, lon }, now));
  }

  await ctx.store.devices.update(device.id, changes);
  if (info.applications) await saveInstalledApps(ctx, device.id, info.applications, now);
  await recordPolicyReport(ctx, device, info, now);
  return { ...device, ...changes, ...lastPosition } as DeviceRow;
}

/**
 * Maps reported fields to columns. A field the report leaves out or sends
 * as null keeps its stored value, so a report without permission to read
 * the IMEI does not erase a known one.
 */
function inventoryChanges(info: DeviceInfo): DeviceUpdate {
  const changes: DeviceUpdate = {};
  const set = <K extends keyof DeviceUpdate>(key: K, value: DeviceUpdate[K] | null | undefined) => {
    if (value !== null && value !== undefined) changes[key] = value;
  };

  set('model', info.model);
  set('android_version', info.androidVersion);
  set('sdk_level', apiLevelOfRelease(info.androidVersion));
  set('cpu', info.cpu);
  set('serial', info.serial);
  set('imei', info.imei);
  set('imei2', info.imei2);
  set('battery_charging', info.batteryCharging);
  set('launcher_type', info.launcherType);
  if (typeof info.mdmMode === 'boolean') changes.mdm_mode = info.mdmMode ? 1 : 0;
  // A percentage outside 0..100 is a sensor error, not a level worth showing.
  if (typeof info.batteryLevel === 'number' && info.batteryLevel >= 0 && info.batteryLevel <= 100) {
    changes.battery_level = info.batteryLevel;
  }
  return changes;
}

/**
 * Replaces the device's installed-app rows with the reported list. The
 * agent reports the installed apps of its configuration only, so a package
 * missing from the list is no longer installed, or no longer managed.
 */
async function saveInstalledApps(
  ctx: AppContext,
  devicePk: string,
  applications: NonNullable<DeviceInfo['applications']>,
  now: number,
): Promise<void> {
  const byPackage = new Map<string, string | null>();
  for (const app of applications) {
    if (app.pkg) byPackage.set(app.pkg, app.version ?? null);
  }

  const apps = [...byPackage].map(([packageName, versionName]) => ({ packageName, versionName }));
  await ctx.store.devices.saveInstalledApps(devicePk, apps, now);
  await ctx.store.devices.removeInstalledAppsExcept(devicePk, [...byPackage.keys()]);
  await recordReportedVersions(ctx, devicePk, byPackage, now);
}
