import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError } from '../../domain/errors.js';
import { isCompatible } from '../../domain/effective-version.js';
import { currentStageIndex, type RolloutStage } from '../../domain/rollout-plan.js';
import type { RolloutDeviceRow, RolloutDeviceStatus } from '../../store/schema.js';
import { pathVisibleTo } from '../admin/device-scope.js';
import { findRolloutOrThrow } from './rollout-control.js';
import { listRolloutDevices, type RolloutDevice } from './rollout-devices.js';

export type StatusCounts = Record<RolloutDeviceStatus, number>;

export interface StageProgress extends RolloutStage, StatusCounts {
  index: number;
  started: boolean;
  /** Devices that join the rollout at this stage. */
  devices: number;
}

export interface ProgressDevice {
  id: string;
  deviceId: string;
  /** Stage that selects the device, or -1 when no stage does. */
  stage: number;
  pilot: boolean;
  status: RolloutDeviceStatus | 'not_selected';
  offers: number;
  installedVersionCode: number | null;
  bytesServed: number;
  lastOfferedAt: number | null;
}

export interface RolloutProgress {
  rolloutId: string;
  state: string;
  currentStage: number;
  devicesInScope: number;
  stages: StageProgress[];
  totals: StatusCounts & { notSelected: number };
  dataCost: {
    apkBytes: number;
    /** Devices a stage selects that have not installed, failed or been found incompatible. */
    devicesToDownload: number;
    /** APK size × devicesToDownload: an estimate that ignores resumed partial downloads. */
    estimatedBytes: number;
    /** Bytes Outpost sent to in-scope devices for the target, counted per request. */
    servedBytes: number;
  };
  devices: { items: ProgressDevice[]; nextCursor: string | null };
}

export interface ProgressQuery {
  limit?: number;
  cursor?: string;
  status?: RolloutDeviceStatus | 'not_selected';
}

export const PROGRESS_PAGE_DEFAULT = 100;

/** Returns per-stage counts, data cost and one page of the device table of a rollout. */
export async function getRolloutProgress(ctx: AppContext, caller: Caller, id: string, query: ProgressQuery = {}): Promise<RolloutProgress> {
  requireRole(caller, 'viewer');

  const rollout = await findRolloutOrThrow(ctx, id);
  const target = await ctx.store.apps.findVersion(rollout.appVersionId);
  const targetVersion = { versionCode: rollout.targetVersionCode, minSdk: target?.min_sdk ?? null };
  // Counts, data cost and the device table cover the devices in the caller's scope.
  const devices = (await listRolloutDevices(ctx, rollout)).filter((device) => pathVisibleTo(caller, device.orgUnitPath));
  const rows = new Map((await ctx.store.rollouts.listDevices(rollout.id)).map((row) => [row.device_pk, row]));
  const bytes = await ctx.store.rollouts.downloadedBytesByDevice(rollout.appVersionId);
  const now = ctx.now();

  const table: ProgressDevice[] = devices.map((device) => {
    const row = rows.get(device.pk);
    return {
      id: device.pk,
      deviceId: device.deviceId,
      stage: device.joiningStage,
      pilot: device.pilot,
      status: statusOf(device, row, targetVersion),
      offers: row?.offers ?? 0,
      installedVersionCode: device.installedVersionCode,
      bytesServed: bytes.get(device.pk) ?? 0,
      lastOfferedAt: row?.last_offered_at === null || row?.last_offered_at === undefined ? null : Number(row.last_offered_at),
    };
  });

  const stages = rollout.stages.map((stage, index) => stageProgress(stage, index, now, table));
  const totals = { ...emptyCounts(), notSelected: 0 };
  for (const device of table) {
    if (device.status === 'not_selected') totals.notSelected += 1;
    else totals[device.status] += 1;
  }
  const toDownload = table.filter((device) => device.status === 'pending' || device.status === 'downloading').length;
  const apkBytes = Number(target?.size ?? 0);

  return {
    rolloutId: rollout.id,
    state: rollout.state,
    currentStage: currentStageIndex(rollout.stages, now),
    devicesInScope: table.length,
    stages,
    totals,
    dataCost: {
      apkBytes,
      devicesToDownload: toDownload,
      estimatedBytes: apkBytes * toDownload,
      servedBytes: table.reduce((sum, device) => sum + device.bytesServed, 0),
    },
    devices: pageOf(table, query),
  };
}

/** A reported version at or above the target wins over any recorded status. */
function statusOf(
  device: RolloutDevice,
  row: RolloutDeviceRow | undefined,
  target: { versionCode: number; minSdk: number | null },
): ProgressDevice['status'] {
  if (device.installedVersionCode !== null && device.installedVersionCode >= target.versionCode) return 'installed';
  if (row) return row.status;
  if (device.joiningStage < 0) return 'not_selected';
  if (!isCompatible(target, device.sdkLevel)) return 'incompatible';
  return 'pending';
}

function stageProgress(stage: RolloutStage, index: number, now: number, table: readonly ProgressDevice[]): StageProgress {
  const progress: StageProgress = { ...stage, index, started: stage.startsAt <= now, devices: 0, ...emptyCounts() };
  for (const device of table) {
    if (device.stage !== index || device.status === 'not_selected') continue;
    progress.devices += 1;
    progress[device.status] += 1;
  }
  return progress;
}

function emptyCounts(): StatusCounts {
  return { pending: 0, downloading: 0, installed: 0, failed: 0, incompatible: 0 };
}

function pageOf(table: readonly ProgressDevice[], query: ProgressQuery): RolloutProgress['devices'] {
  const limit = query.limit ?? PROGRESS_PAGE_DEFAULT;
  const offset = query.cursor === undefined ? 0 : Number(query.cursor);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidInputError(`Invalid cursor ${JSON.stringify(query.cursor)}: pass nextCursor from the previous page.`, 'query.cursor');
  }

  const filtered = query.status === undefined ? table : table.filter((device) => device.status === query.status);
  const items = filtered.slice(offset, offset + limit);
  return { items, nextCursor: offset + limit < filtered.length ? String(offset + limit) : null };
}
