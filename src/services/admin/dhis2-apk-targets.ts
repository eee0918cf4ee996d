import type { AppContext } from '../../context.js';
import { androidReleaseOfApi, type ApkEntry } from '../../dhis2/apk-distribution.js';
import type { DesiredGroupEntry } from '../../dhis2/apk-plan.js';
import { currentStageIndex, isDeviceSelected } from '../../domain/rollout-plan.js';
import { rolloutPlace } from '../../domain/rollout-place.js';
import { scopeIncludes } from '../../domain/rollout-scope.js';
import { appDownloadUrl } from '../agent/app-urls.js';
import { toRollout } from '../rollouts/rollout-model.js';
import { loadOrgUnitPaths } from '../rollouts/scope-paths.js';

/** A user group that follows a rollout: DHIS2 Capture offers the rollout's target to the group once the rollout reaches it. */
export interface GroupRolloutLink {
  userGroupId: string;
  rolloutId: string;
}

export interface GroupTarget extends DesiredGroupEntry {
  rolloutId: string;
  /** Reason the group is reached or not, for the console. */
  status: string;
  /** Devices of the group's members in the rollout's scope, and how many of them the current stage selects. */
  devices: number;
  selected: number;
}

/**
 * Computes the entry each linked group should be offered now. A running rollout reaches
 * a group when its current stage selects every in-scope device of the
 * group's members (a group without such devices is reached at the last
 * stage). A complete rollout reaches every group. A paused rollout keeps
 * what Outpost wrote before. A draft, halted or missing rollout offers
 * nothing, so the in-app prompt stops offering a version the manager stopped.
 */
export async function computeGroupTargets(
  ctx: AppContext,
  links: readonly GroupRolloutLink[],
  written: Readonly<Record<string, ApkEntry>>,
): Promise<GroupTarget[]> {
  const now = ctx.now();
  const targets: GroupTarget[] = [];

  for (const link of links) {
    const base = { groupId: link.userGroupId, rolloutId: link.rolloutId, devices: 0, selected: 0 };
    const row = await ctx.store.rollouts.findById(link.rolloutId);
    if (!row) {
      targets.push({ ...base, entry: null, status: 'The rollout no longer exists.' });
      continue;
    }
    const rollout = toRollout(row);
    const version = await ctx.store.apps.findVersion(rollout.appVersionId);
    if (!version) {
      targets.push({ ...base, entry: null, status: 'The rollout target version is missing.' });
      continue;
    }
    const minRelease = androidReleaseOfApi(version.min_sdk);
    const entry: ApkEntry = {
      version: version.version_name ?? String(version.version_code),
      downloadURL: appDownloadUrl(ctx.config, version.id, version.file_name),
      ...(minRelease ? { androidOSVersion: { min: minRelease, recommended: androidReleaseOfApi(version.target_sdk) ?? minRelease } } : {}),
      isDefault: false,
      userGroups: [link.userGroupId],
    };

    if (rollout.state === 'draft' || rollout.state === 'halted') {
      targets.push({ ...base, entry: null, status: `The rollout is ${rollout.state}: nothing is offered through DHIS2.` });
      continue;
    }
    if (rollout.state === 'complete') {
      targets.push({ ...base, entry, status: 'The rollout is complete: every linked group is reached.' });
      continue;
    }

    const members = await ctx.store.dhis2Directory.memberIds(link.userGroupId);
    const devices = await ctx.store.dhis2Attention.devicesOfUsers(members);
    const paths = await loadOrgUnitPaths(ctx, [...rollout.scope.orgUnitIds, ...devices.map((device) => device.org_unit_id).filter((id): id is string => id !== null)]);
    const inScope = devices.filter((device) =>
      scopeIncludes(rollout.scope, { id: device.id, policyId: device.policy_id, orgUnitPath: device.org_unit_id ? (paths.get(device.org_unit_id) ?? null) : null }, paths),
    );
    const selected = inScope.filter((device) =>
      isDeviceSelected({ state: 'running', stages: rollout.stages }, rolloutPlace(device.device_id, rollout.packageName), rollout.scope.deviceIds.includes(device.id), now),
    ).length;
    const counts = { devices: inScope.length, selected };

    if (rollout.state === 'paused') {
      targets.push({ ...base, ...counts, entry: written[link.userGroupId] ?? null, status: 'The rollout is paused: what Outpost wrote stays as it is.' });
      continue;
    }
    const stage = currentStageIndex(rollout.stages, now);
    const reached = inScope.length > 0 ? selected === inScope.length : stage === rollout.stages.length - 1;
    const status = reached
      ? `Reached at stage ${stage + 1}: all ${inScope.length} devices of the group are selected.`
      : stage < 0
        ? 'The rollout has not started its first stage yet.'
        : `Not reached: stage ${stage + 1} selects ${selected} of the group's ${inScope.length} devices.`;
    targets.push({ ...base, ...counts, entry: reached ? entry : null, status });
  }
  return targets;
}
