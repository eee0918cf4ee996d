import type { AppContext } from '../../context.js';
import type { DeviceInfo } from '../../domain/agent-reports.js';
import { apiLevelOfRelease } from '../../domain/android-release.js';
import type { AgentDeviceView } from '../../store/repositories/agent-device-view.js';
import type { DeviceRow, DeviceUpdate } from '../../store/schema.js';
import { recordPolicyReport } from '../admin/policy-tracking.js';
import type { Rollout } from '../rollouts/rollout-model.js';
import { recordReportedVersions } from '../rollouts/rollout-reports.js';
import { ingestLocation, type LocationIngestResult } from './location-ingest.js';
import { policyConfigCacheOf } from './policy-config-cache.js';
import { checkReporter, mergeIntoEarlierRecord } from './rebind.js';
import { inContextTransaction } from './transaction.js';

// Package of the open-source agent build. The report does not name the
// agent's own package.
// NOTE: a custom agent build with another package gets no agent version.
const AGENT_PACKAGE = 'com.hmdm.launcher';

/**
 * Stores a device report under `deviceId`: inventory, installed config
 * apps, last known location and the raw report, in one transaction.
 * Returns the device record, which may be an earlier record of the same
 * phone after a re-bind, or null when no device has that id or
 * checkReporter rejects the report.
 */
export async function ingestDeviceInfo(
  ctx: AppContext,
  deviceId: string,
  info: DeviceInfo,
  ip: string,
): Promise<DeviceRow | null> {
  const view = await ctx.store.devices.findForAgent(deviceId, ctx.now());
  if (!view) return null;
  const reporter = view.device;
  // A second phone using this id, or a phone the enrolment rules reject, changes nothing.
  if ((await checkReporter(ctx, reporter, info, ip)) !== 'accepted') return null;

  const merged = await mergeIntoEarlierRecord(ctx, reporter, info);
  // After a merge another record carries the device id, so its state is read again.
  const current = merged === reporter ? view : await ctx.store.devices.findForAgent(deviceId, ctx.now());
  if (!current) return null;
  return storeReport(ctx, current, info, ip);
}

async function storeReport(ctx: AppContext, view: AgentDeviceView, info: DeviceInfo, ip: string): Promise<DeviceRow> {
  const device = view.device;
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

  // Reads come first, so the transaction keeps its connection for the writes only.
  const reported = info.applications ? reportedVersions(info.applications) : null;
  const stored = reported ? await ctx.store.devices.listInstalledApps(device.id) : [];
  const rollouts = reported ? await openRolloutsOf(ctx, view, reported) : [];

  // The last position is written by ingestLocation alone, with a condition
  // on its time, so `changes` never carries it and cannot move it backwards.
  let lastPosition: LocationIngestResult['lastPosition'] = null;
  await inContextTransaction(ctx, async (trxCtx) => {
    if (info.location) {
      const { ts, lat, lon } = info.location;
      ({ lastPosition } = await ingestLocation(trxCtx, device.id, { takenAt: ts, lat, lon }, now, device.last_location_at));
    }
    await trxCtx.store.devices.update(device.id, changes);
    if (reported) {
      await saveInstalledApps(trxCtx, device.id, reported, stored, now);
      await recordReportedVersions(trxCtx, device.id, reported, rollouts, now);
    }
    await recordPolicyReport(trxCtx, device, view.policyState, info, now);
  });
  return { ...device, ...changes, ...(lastPosition ?? {}) } as DeviceRow;
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

/** Returns the reported versionName of each package; a package listed twice keeps its last entry. */
function reportedVersions(applications: NonNullable<DeviceInfo['applications']>): Map<string, string | null> {
  const byPackage = new Map<string, string | null>();
  for (const app of applications) {
    if (app.pkg) byPackage.set(app.pkg, app.version ?? null);
  }
  return byPackage;
}

/** Returns the open rollouts of the reported packages, from the cache of the request's configuration generation. */
async function openRolloutsOf(ctx: AppContext, view: AgentDeviceView, reported: ReadonlyMap<string, string | null>): Promise<Rollout[]> {
  if (reported.size === 0) return [];
  const open = await policyConfigCacheOf(ctx.store).openRolloutsAt(ctx.store, view.configGeneration);
  return open.filter((rollout) => reported.has(rollout.packageName));
}

/**
 * Makes the device's installed-app rows equal the reported list. The agent
 * reports the installed apps of its configuration only, so a package
 * missing from the list is no longer installed, or no longer managed. Rows
 * whose version is unchanged are left alone, so reported_at is when the
 * device first reported that version.
 */
async function saveInstalledApps(
  ctx: AppContext,
  devicePk: string,
  reported: ReadonlyMap<string, string | null>,
  stored: ReadonlyArray<{ package_name: string; version_name: string | null }>,
  now: number,
): Promise<void> {
  const storedVersions = new Map(stored.map((row) => [row.package_name, row.version_name]));
  const changed = [...reported]
    .filter(([packageName, versionName]) => !storedVersions.has(packageName) || storedVersions.get(packageName) !== versionName)
    .map(([packageName, versionName]) => ({ packageName, versionName }));
  await ctx.store.devices.saveInstalledApps(devicePk, changed, now);

  if ([...storedVersions.keys()].some((packageName) => !reported.has(packageName))) {
    await ctx.store.devices.removeInstalledAppsExcept(devicePk, [...reported.keys()]);
  }
}
