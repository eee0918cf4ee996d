import type { AppContext } from '../../context.js';
import type { PolicyAppInput } from '../../domain/agent-config.js';
import { decideAppVersion, type VersionDecision } from '../../domain/effective-version.js';
import { isDeviceSelected, joiningStageIndex } from '../../domain/rollout-plan.js';
import { rolloutPlace } from '../../domain/rollout-place.js';
import { scopeIncludes, type ScopedDevice } from '../../domain/rollout-scope.js';
import type { AppVersionWithPackage } from '../../store/repositories/apps.js';
import type { AppVersionRow, DeviceRow } from '../../store/schema.js';
import { appDownloadUrl, deviceAppDownloadUrl } from '../agent/app-urls.js';
import { haltIfStageFails } from './rollout-halt.js';
import { toPin, toRollout, versionCodeOfName, type Pin, type Rollout } from './rollout-model.js';
import { loadOrgUnitPaths } from './scope-paths.js';

/** A policy app entry with the version row its policy names. */
export interface ResolvedPolicyApp {
  input: PolicyAppInput;
  policyVersion: AppVersionRow | null;
}

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

/**
 * Sets the version of each install entry to the one the device is offered
 * (policy version, raised by a running rollout, capped by pins, never
 * below the installed version) and records rollout offers, failures and
 * incompatibility.
 */
export async function applyRolloutDecisions(ctx: AppContext, device: DeviceRow, apps: readonly ResolvedPolicyApp[]): Promise<PolicyAppInput[]> {
  const packages = [...new Set(apps.filter((app) => app.input.action === 'install').map((app) => app.input.packageName))];
  if (packages.length === 0) return apps.map((app) => app.input);

  const now = ctx.now();
  const rollouts = (await ctx.store.rollouts.listForPackages(packages, ['running'])).map(toRollout);
  const pins = (await ctx.store.pins.listForPackages(packages)).map(toPin);
  const catalogue = await ctx.store.apps.listVersionsOfPackages(packages);
  const installed = await ctx.store.devices.listInstalledApps(device.id);

  const scopeUnitIds = [...rollouts, ...pins].flatMap((item) => item.scope.orgUnitIds);
  const orgUnitPaths = await loadOrgUnitPaths(ctx, [...scopeUnitIds, ...(device.org_unit_id ? [device.org_unit_id] : [])]);
  const context: DeviceContext = {
    device,
    scoped: { id: device.id, policyId: device.policy_id, orgUnitPath: device.org_unit_id ? (orgUnitPaths.get(device.org_unit_id) ?? null) : null },
    orgUnitPaths,
    installedNames: new Map(installed.map((app) => [app.package_name, app.version_name])),
    now,
  };

  const result: PolicyAppInput[] = [];
  for (const app of apps) {
    if (app.input.action !== 'install' || !app.policyVersion) {
      result.push(app.input);
      continue;
    }
    const versions = catalogue.filter((version) => version.package_name === app.input.packageName);
    result.push(await decideEntry(ctx, context, app, versions, rollouts, pins));
  }
  return result;
}

async function decideEntry(
  ctx: AppContext,
  context: DeviceContext,
  app: ResolvedPolicyApp,
  versions: readonly AppVersionWithPackage[],
  rollouts: readonly Rollout[],
  pins: readonly Pin[],
): Promise<PolicyAppInput> {
  const packageName = app.input.packageName;
  const candidates: Candidate[] = versions.map((row) => ({ versionCode: Number(row.version_code), minSdk: row.min_sdk, row }));
  const policyCandidate = candidates.find((candidate) => candidate.row.id === app.policyVersion?.id) ?? null;

  const rollout = rollouts.find((item) => item.packageName === packageName && scopeIncludes(item.scope, context.scoped, context.orgUnitPaths));
  const target = rollout ? candidates.find((candidate) => candidate.row.id === rollout.appVersionId) : undefined;
  const coveringPins = pins.filter((pin) => pin.packageName === packageName && scopeIncludes(pin.scope, context.scoped, context.orgUnitPaths));
  const pinMax = coveringPins.length === 0 ? null : Math.min(...coveringPins.map((pin) => pin.maxVersionCode));

  const place = rolloutPlace(context.device.device_id, packageName);
  const pilot = rollout?.scope.deviceIds.includes(context.device.id) ?? false;
  const row = rollout ? await ctx.store.rollouts.findDevice(rollout.id, context.device.id) : undefined;
  const failed = row !== undefined && (row.status === 'failed' || row.offers >= ctx.config.rolloutMaxOffers);

  const decision = decideAppVersion<Candidate>({
    policyVersion: policyCandidate,
    catalogue: candidates,
    installedVersionCode: versionCodeOfName(versions, context.installedNames.get(packageName) ?? null),
    deviceSdk: context.device.sdk_level,
    rollout: rollout && target ? { target, selected: isDeviceSelected(rollout, place, pilot, context.now), failed } : null,
    pinMaxVersionCode: pinMax,
  });

  if (rollout && target) {
    const stageIndex = Math.max(joiningStageIndex(rollout.stages, place, pilot), 0);
    await recordOutcome(ctx, rollout, context.device.id, stageIndex, decision, row?.status, context.now);
  }
  return { ...app.input, version: decision.version ? configVersion(ctx, context.device, app, decision) : null };
}

async function recordOutcome(
  ctx: AppContext,
  rollout: Rollout,
  devicePk: string,
  stageIndex: number,
  decision: VersionDecision<Candidate>,
  previousStatus: string | undefined,
  now: number,
): Promise<void> {
  const store = ctx.store.rollouts;
  switch (decision.rollout) {
    case 'offered':
      await store.recordOffer(rollout.id, devicePk, stageIndex, now);
      return;
    case 'failed':
      if (previousStatus !== 'failed' && (await store.setDeviceStatus(rollout.id, devicePk, 'failed', stageIndex, now))) {
        ctx.logger.info({ rolloutId: rollout.id, devicePk }, 'rollout device failed: offered the maximum number of times');
        await haltIfStageFails(ctx, rollout, stageIndex, now);
      }
      return;
    case 'incompatible':
      await store.setDeviceStatus(rollout.id, devicePk, 'incompatible', stageIndex, now);
      return;
    case 'installed':
      if (previousStatus !== undefined) await store.setDeviceStatus(rollout.id, devicePk, 'installed', stageIndex, now);
      return;
    default:
      return;
  }
}

function configVersion(ctx: AppContext, device: DeviceRow, app: ResolvedPolicyApp, decision: VersionDecision<Candidate>) {
  const row = decision.version!.row;
  const name = row.label ?? app.input.version?.name ?? app.input.packageName;
  // Offers carry the device id in the URL, so the download route can count
  // bytes per device and mark the device as downloading.
  const url =
    decision.rollout === 'offered'
      ? deviceAppDownloadUrl(ctx.config, row.id, device.device_id, row.file_name)
      : appDownloadUrl(ctx.config, row.id, row.file_name);
  return { versionCode: Number(row.version_code), versionName: row.version_name, name, url };
}
