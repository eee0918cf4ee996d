import type { AppContext } from '../../context.js';
import { joiningStageIndex, type RolloutStage } from '../../domain/rollout-plan.js';
import { rolloutPlace } from '../../domain/rollout-place.js';
import { scopeIncludes, type DeviceScope } from '../../domain/rollout-scope.js';
import { versionCodeOfName } from './rollout-model.js';
import { loadOrgUnitPaths } from './scope-paths.js';

/** A device a rollout covers, with its place and the stage that selects it. */
export interface RolloutDevice {
  pk: string;
  deviceId: string;
  sdkLevel: number | null;
  place: number;
  pilot: boolean;
  /** First stage that selects the device, or -1 when none does. */
  joiningStage: number;
  /** versionCode of the version the device reports, or null when unknown. */
  installedVersionCode: number | null;
  /** Path of the device's org unit, for the caller's scope. */
  orgUnitPath: string | null;
}

/**
 * Lists the devices in a rollout's scope whose policy installs its
 * package, ordered by device id. A device whose policy does not install
 * the package is outside every rollout of it.
 */
export async function listRolloutDevices(
  ctx: AppContext,
  rollout: { packageName: string; scope: DeviceScope; stages: readonly RolloutStage[] },
): Promise<RolloutDevice[]> {
  const rows = await ctx.store.rollouts.listDevicesInstalling(rollout.packageName);
  const orgUnitPaths = await loadOrgUnitPaths(ctx, rollout.scope.orgUnitIds);
  const versions = await ctx.store.apps.listVersionsOfPackages([rollout.packageName]);

  const devices: RolloutDevice[] = [];
  for (const row of rows) {
    const inScope = scopeIncludes(rollout.scope, { id: row.id, policyId: row.policy_id, orgUnitPath: row.org_unit_path }, orgUnitPaths);
    if (!inScope) continue;

    const place = rolloutPlace(row.device_id, rollout.packageName);
    const pilot = rollout.scope.deviceIds.includes(row.id);
    devices.push({
      pk: row.id,
      deviceId: row.device_id,
      sdkLevel: row.sdk_level,
      place,
      pilot,
      joiningStage: joiningStageIndex(rollout.stages, place, pilot),
      installedVersionCode: versionCodeOfName(versions, row.installed_version_name),
      orgUnitPath: row.org_unit_path,
    });
  }
  return devices;
}
