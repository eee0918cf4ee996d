import type { RolloutStage, RolloutState } from '../../domain/rollout-plan.js';
import type { DeviceScope } from '../../domain/rollout-scope.js';
import type { AppPinRow, AppVersionRow, RolloutRow } from '../../store/schema.js';

/** A rollout row with its JSON columns read. */
export interface Rollout {
  id: string;
  packageName: string;
  appVersionId: string;
  targetVersionCode: number;
  state: RolloutState;
  scope: DeviceScope;
  stages: RolloutStage[];
  signerChanged: boolean;
  haltReason: string | null;
  wokenStage: number;
  resumedAt: number | null;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
}

/** A pin with its scope read. */
export interface Pin {
  id: string;
  packageName: string;
  maxVersionCode: number;
  scope: DeviceScope;
  reason: string;
  createdAt: number;
  createdBy: string | null;
}

export function toRollout(row: RolloutRow): Rollout {
  return {
    id: row.id,
    packageName: row.package_name,
    appVersionId: row.app_version_id,
    targetVersionCode: Number(row.target_version_code),
    state: row.state,
    scope: readScope(row.scope_json),
    stages: JSON.parse(row.stages_json) as RolloutStage[],
    signerChanged: row.signer_changed === 1,
    haltReason: row.halt_reason,
    wokenStage: Number(row.woken_stage),
    resumedAt: row.resumed_at === null ? null : Number(row.resumed_at),
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    updatedAt: Number(row.updated_at),
  };
}

export function toPin(row: AppPinRow): Pin {
  return {
    id: row.id,
    packageName: row.package_name,
    maxVersionCode: Number(row.max_version_code),
    scope: readScope(row.scope_json),
    reason: row.reason,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

function readScope(scopeJson: string): DeviceScope {
  const stored = JSON.parse(scopeJson) as Partial<DeviceScope>;
  return { policyIds: stored.policyIds ?? [], orgUnitIds: stored.orgUnitIds ?? [], deviceIds: stored.deviceIds ?? [] };
}

/**
 * Returns the versionCode of a reported versionName among a package's
 * versions, or null when no version has that name. When several versions
 * share the name, the highest code is taken: assuming the newer one can
 * only hold back an offer, never push a downgrade.
 */
export function versionCodeOfName(versions: readonly AppVersionRow[], versionName: string | null): number | null {
  if (versionName === null || versionName === '') return null;

  let code: number | null = null;
  for (const version of versions) {
    if (version.version_name !== versionName) continue;
    const candidate = Number(version.version_code);
    if (code === null || candidate > code) code = candidate;
  }
  return code;
}
