import type { AppContext } from '../../context.js';
import { OPEN_ROLLOUT_STATES } from '../../domain/rollout-plan.js';
import { versionCodeOfName, type Rollout } from './rollout-model.js';

/**
 * Marks a device installed in each of `rollouts` (the open rollouts of the
 * reported packages) once it reports the target versionCode or a higher
 * one. Devices the rollout never dealt with get no row; progress reads
 * their reports directly.
 */
export async function recordReportedVersions(
  ctx: AppContext,
  devicePk: string,
  reported: ReadonlyMap<string, string | null>,
  rollouts: readonly Rollout[],
  now: number,
): Promise<void> {
  for (const rollout of rollouts) {
    if (!reported.has(rollout.packageName)) continue;
    const row = await ctx.store.rollouts.findDevice(rollout.id, devicePk);
    if (!row || row.status === 'installed') continue;

    const versions = await ctx.store.apps.listVersionsOfPackages([rollout.packageName]);
    const code = versionCodeOfName(versions, reported.get(rollout.packageName) ?? null);
    if (code !== null && code >= rollout.targetVersionCode) {
      await ctx.store.rollouts.setDeviceStatus(rollout.id, devicePk, 'installed', row.stage_index, now);
    }
  }
}

/**
 * Marks the device as downloading in each open rollout whose target is the
 * requested version. Returns the device record id, or null for an unknown
 * device id, whose bytes are then not counted.
 */
export async function recordDownloadStart(ctx: AppContext, deviceId: string, appVersionId: string): Promise<string | null> {
  const device = await ctx.store.devices.findByDeviceId(deviceId);
  if (!device) return null;

  const now = ctx.now();
  const rollouts = (await ctx.store.rollouts.listByStates(OPEN_ROLLOUT_STATES)).filter((row) => row.app_version_id === appVersionId);
  for (const rollout of rollouts) await ctx.store.rollouts.markDownloading(rollout.id, device.id, now);
  return device.id;
}

/** Adds bytes sent to a device for an app version; a failure is logged, never raised, because the file was already sent. */
export async function recordDownloadedBytes(ctx: AppContext, devicePk: string, appVersionId: string, bytes: number): Promise<void> {
  try {
    await ctx.store.rollouts.addDownloadedBytes(devicePk, appVersionId, bytes, ctx.now());
  } catch (error) {
    ctx.logger.error({ err: error, devicePk, appVersionId, bytes }, 'failed to count downloaded bytes');
  }
}
