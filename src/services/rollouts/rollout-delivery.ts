import type { AppContext } from '../../context.js';
import type { PolicyAppInput } from '../../domain/agent-config.js';
import { decideAppVersion, type VersionDecision } from '../../domain/effective-version.js';
import { isDeviceSelected, joiningStageIndex } from '../../domain/rollout-plan.js';
import { rolloutPlace } from '../../domain/rollout-place.js';
import { scopeIncludes, type ScopedDevice } from '../../domain/rollout-scope.js';
import type { AppVersionWithPackage } from '../../store/repositories/apps.js';
import type { AppVersionRow, DeviceRow, RolloutDeviceRow } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { appDownloadUrl, deviceAppDownloadUrl } from '../agent/app-urls.js';
import type { PolicyAppPart, PolicyConfigPart } from '../agent/policy-config-cache.js';
import { haltIfStageFails } from './rollout-halt.js';
import { versionCodeOfName, type Rollout } from './rollout-model.js';
import { loadOrgUnitPaths } from './scope-paths.js';

interface Candidate {
  versionCode: number;
  minSdk: number | null;
  row: AppVersionRow;
}

interface DeviceContext {
  device: DeviceRow;
  scoped: ScopedDevice;
  orgUnitPaths: ReadonlyMap<string, string>;
  installedNames: ReadonlyMap<string, string | null>;
  now: number;
}

/** A rollout result of one configuration, written with the delivery's other writes. */
export interface RolloutOutcomeRecord {
  rollout: Rollout;
  stageIndex: number;
  outcome: VersionDecision<Candidate>['rollout'];
  /** The device's status in the rollout before this configuration, if it had a row. */
  previousStatus: string | undefined;
}

/** The app entries a device is offered, and the rollout results to record for it. */
export interface DeviceAppDecisions {
  apps: PolicyAppInput[];
  outcomes: RolloutOutcomeRecord[];
}

/**
 * Sets the version of each install entry to the one the device is offered
 * (policy version, raised by a running rollout, capped by pins, never
 * below the installed version), and returns the rollout offers, failures
 * and incompatibilities for recordRolloutOutcomes. It only reads: the
 * device's org unit path when a rollout or pin has a scope to match, and
 * its rollout rows.
 */
export async function decideDeviceApps(
  ctx: AppContext,
  device: DeviceRow,
  part: PolicyConfigPart,
  installedNames: ReadonlyMap<string, string | null>,
  now: number,
): Promise<DeviceAppDecisions> {
  const needsScope = part.rollouts.length > 0 || part.pins.length > 0;
  const scopeUnitIds = [...part.rollouts, ...part.pins].flatMap((item) => item.scope.orgUnitIds);
  const orgUnitPaths = needsScope
    ? await loadOrgUnitPaths(ctx, [...scopeUnitIds, ...(device.org_unit_id ? [device.org_unit_id] : [])])
    : new Map<string, string>();
  const context: DeviceContext = {
    device,
    scoped: { id: device.id, policyId: device.policy_id, orgUnitPath: device.org_unit_id ? (orgUnitPaths.get(device.org_unit_id) ?? null) : null },
    orgUnitPaths,
    installedNames,
    now,
  };

  const apps: PolicyAppInput[] = [];
  const outcomes: RolloutOutcomeRecord[] = [];
  for (const app of part.apps) {
    if (app.input.action !== 'install' || !app.policyVersion) {
      apps.push(app.input);
      continue;
    }
    const versions = part.catalogue.get(app.input.packageName) ?? [];
    const decided = await decideEntry(ctx, context, app, versions, part);
    apps.push(decided.input);
    if (decided.outcome) outcomes.push(decided.outcome);
  }
  return { apps, outcomes };
}

async function decideEntry(
  ctx: AppContext,
  context: DeviceContext,
  app: PolicyAppPart,
  versions: readonly AppVersionWithPackage[],
  part: PolicyConfigPart,
): Promise<{ input: PolicyAppInput; outcome: RolloutOutcomeRecord | null }> {
  const packageName = app.input.packageName;
  const candidates: Candidate[] = versions.map((row) => ({ versionCode: Number(row.version_code), minSdk: row.min_sdk, row }));
  const policyCandidate = candidates.find((candidate) => candidate.row.id === app.policyVersion?.id) ?? null;

  const rollout = part.rollouts.find((item) => item.packageName === packageName && scopeIncludes(item.scope, context.scoped, context.orgUnitPaths));
  const target = rollout ? candidates.find((candidate) => candidate.row.id === rollout.appVersionId) : undefined;
  const coveringPins = part.pins.filter((pin) => pin.packageName === packageName && scopeIncludes(pin.scope, context.scoped, context.orgUnitPaths));
  const pinMax = coveringPins.length === 0 ? null : Math.min(...coveringPins.map((pin) => pin.maxVersionCode));

  const place = rolloutPlace(context.device.device_id, packageName);
  const pilot = rollout?.scope.deviceIds.includes(context.device.id) ?? false;
  const row: RolloutDeviceRow | undefined = rollout ? await ctx.store.rollouts.findDevice(rollout.id, context.device.id) : undefined;
  const failed = row !== undefined && (row.status === 'failed' || row.offers >= ctx.config.rolloutMaxOffers);

  const decision = decideAppVersion<Candidate>({
    policyVersion: policyCandidate,
    catalogue: candidates,
    installedVersionCode: versionCodeOfName(versions, context.installedNames.get(packageName) ?? null),
    deviceSdk: context.device.sdk_level,
    rollout: rollout && target ? { target, selected: isDeviceSelected(rollout, place, pilot, context.now), failed } : null,
    pinMaxVersionCode: pinMax,
  });

  const outcome =
    rollout && target
      ? { rollout, stageIndex: Math.max(joiningStageIndex(rollout.stages, place, pilot), 0), outcome: decision.rollout, previousStatus: row?.status }
      : null;
  const input = { ...app.input, version: decision.version ? configVersion(ctx, context.device, app, decision) : null };
  return { input, outcome };
}

/** Returns whether recordRolloutOutcomes would write anything for these outcomes. */
export function hasRolloutWrites(outcomes: readonly RolloutOutcomeRecord[]): boolean {
  return outcomes.some((record) => writesOutcome(record));
}

/**
 * Records the rollout results of one configuration. `ctx.store` may be a
 * transaction's store, so that they commit with the delivery's other writes.
 */
export async function recordRolloutOutcomes(
  ctx: AppContext,
  devicePk: string,
  outcomes: readonly RolloutOutcomeRecord[],
  now: number,
): Promise<void> {
  for (const record of outcomes) await recordOutcome(ctx, ctx.store, devicePk, record, now);
}

function writesOutcome(record: RolloutOutcomeRecord): boolean {
  switch (record.outcome) {
    case 'offered':
    case 'incompatible':
      return true;
    case 'failed':
      return record.previousStatus !== 'failed';
    case 'installed':
      return record.previousStatus !== undefined;
    default:
      return false;
  }
}

async function recordOutcome(ctx: AppContext, store: Store, devicePk: string, record: RolloutOutcomeRecord, now: number): Promise<void> {
  const { rollout, stageIndex } = record;
  switch (record.outcome) {
    case 'offered':
      await store.rollouts.recordOffer(rollout.id, devicePk, stageIndex, now);
      return;
    case 'failed':
      if (record.previousStatus !== 'failed' && (await store.rollouts.setDeviceStatus(rollout.id, devicePk, 'failed', stageIndex, now))) {
        ctx.logger.info({ rolloutId: rollout.id, devicePk }, 'rollout device failed: offered the maximum number of times');
        await haltIfStageFails(ctx, rollout, stageIndex, now);
      }
      return;
    case 'incompatible':
      await store.rollouts.setDeviceStatus(rollout.id, devicePk, 'incompatible', stageIndex, now);
      return;
    case 'installed':
      if (record.previousStatus !== undefined) await store.rollouts.setDeviceStatus(rollout.id, devicePk, 'installed', stageIndex, now);
      return;
    default:
      return;
  }
}

function configVersion(ctx: AppContext, device: DeviceRow, app: PolicyAppPart, decision: VersionDecision<Candidate>) {
  const row = decision.version!.row;
  const name = row.label ?? app.versionName;
  // Offers carry the device id in the URL, so the download route can count
  // bytes per device and mark the device as downloading.
  const url =
    decision.rollout === 'offered'
      ? deviceAppDownloadUrl(ctx.config, row.id, device.device_id, row.file_name)
      : appDownloadUrl(ctx.config, row.id, row.file_name);
  return { versionCode: Number(row.version_code), versionName: row.version_name, name, url };
}
