import { currentStageIndex, type RolloutStage, type RolloutState } from '../../domain/rollout-plan.js';
import type { DeviceScope } from '../../domain/rollout-scope.js';
import type { AppVersionRow } from '../../store/schema.js';
import type { Rollout } from './rollout-model.js';

/** A rollout as the admin API returns it. */
export interface RolloutView {
  id: string;
  packageName: string;
  appVersionId: string;
  targetVersionCode: number;
  targetVersionName: string | null;
  state: RolloutState;
  scope: DeviceScope;
  stages: RolloutStage[];
  /** Index of the last stage that has started, or -1 before the first. */
  currentStage: number;
  signerChanged: boolean;
  warnings: string[];
  haltReason: string | null;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
}

export function toRolloutView(rollout: Rollout, target: AppVersionRow | undefined, now: number): RolloutView {
  return {
    id: rollout.id,
    packageName: rollout.packageName,
    appVersionId: rollout.appVersionId,
    targetVersionCode: rollout.targetVersionCode,
    targetVersionName: target?.version_name ?? null,
    state: rollout.state,
    scope: rollout.scope,
    stages: rollout.stages,
    currentStage: currentStageIndex(rollout.stages, now),
    signerChanged: rollout.signerChanged,
    warnings: rolloutWarnings(rollout),
    haltReason: rollout.haltReason,
    createdAt: rollout.createdAt,
    createdBy: rollout.createdBy,
    updatedAt: rollout.updatedAt,
  };
}

function rolloutWarnings(rollout: Rollout): string[] {
  if (!rollout.signerChanged) return [];
  return [
    `signer_changed: versionCode ${rollout.targetVersionCode} is signed by another key than earlier versions of ` +
      `${rollout.packageName}. Android refuses to update phones that run an earlier version, so expect install failures there.`,
  ];
}
