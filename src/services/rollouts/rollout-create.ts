import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ConflictError, InvalidInputError, NotFoundError, UnprocessableError } from '../../domain/errors.js';
import { findStageProblem, OPEN_ROLLOUT_STATES, type RolloutStage } from '../../domain/rollout-plan.js';
import type { DeviceScope } from '../../domain/rollout-scope.js';
import { newId } from '../../store/ids.js';
import type { AppVersionRow } from '../../store/schema.js';
import { startCreatedRollout } from './rollout-control.js';
import { listRolloutDevices } from './rollout-devices.js';
import { toRollout } from './rollout-model.js';
import { toRolloutView, type RolloutView } from './rollout-view.js';
import { checkScope } from './scope-check.js';

export interface RolloutInput {
  packageName: string;
  /** The target, by app version id; give this or versionCode. */
  appVersionId?: string;
  versionCode?: number;
  scope?: Partial<DeviceScope>;
  stages: RolloutStage[];
  /** Start at once instead of staying a draft. */
  start?: boolean;
}

/**
 * Creates a rollout after checking its target, stages and scope. A target
 * below what a device in scope runs is rejected, because Android cannot
 * downgrade an app without erasing its data.
 */
export async function createRollout(ctx: AppContext, caller: Caller, input: RolloutInput): Promise<RolloutView> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Creating a rollout');

  const now = ctx.now();
  const target = await findTarget(ctx, input);
  const stageProblem = findStageProblem(input.stages, now);
  if (stageProblem) throw new InvalidInputError(stageProblem.message, stageProblem.field);

  const scope: DeviceScope = {
    policyIds: input.scope?.policyIds ?? [],
    orgUnitIds: input.scope?.orgUnitIds ?? [],
    deviceIds: input.scope?.deviceIds ?? [],
  };
  await checkScope(ctx, scope, 'body.scope');

  const open = await ctx.store.rollouts.listForPackages([input.packageName], OPEN_ROLLOUT_STATES);
  if (open[0]) {
    throw new ConflictError(
      'rollout_open',
      `${input.packageName} already has rollout ${open[0].id} in state ${open[0].state}; complete it before creating another.`,
      'body.packageName',
    );
  }

  const targetCode = Number(target.row.version_code);
  await rejectDowngrade(ctx, input.packageName, scope, input.stages, targetCode);

  const signerChanged = target.others.some((version) => version.signer_sha256 !== target.row.signer_sha256);
  const id = newId();
  await ctx.store.rollouts.insert({
    id,
    package_name: input.packageName,
    app_version_id: target.row.id,
    target_version_code: targetCode,
    state: 'draft',
    scope_json: JSON.stringify(scope),
    stages_json: JSON.stringify(input.stages),
    signer_changed: signerChanged ? 1 : 0,
    halt_reason: null,
    woken_stage: -1,
    resumed_at: null,
    created_at: now,
    created_by: caller.username,
    updated_at: now,
  });
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'rollout.create',
      targetType: 'rollout',
      targetId: id,
      details: { packageName: input.packageName, versionCode: targetCode, appVersionId: target.row.id, scope, stages: input.stages, signerChanged },
    },
    now,
  );

  if (input.start) await startCreatedRollout(ctx, caller, id);
  const row = await ctx.store.rollouts.findById(id);
  if (!row) throw new Error(`Rollout ${id} vanished right after it was inserted`);
  return toRolloutView(toRollout(row), target.row, ctx.now());
}

async function findTarget(ctx: AppContext, input: RolloutInput): Promise<{ row: AppVersionRow; others: AppVersionRow[] }> {
  const app = await ctx.store.apps.findAppByPackage(input.packageName);
  const versions = app ? await ctx.store.apps.listVersions(app.id) : [];
  if (versions.length === 0) {
    throw new UnprocessableError(
      'package_has_no_versions',
      `Package ${input.packageName} has no uploaded versions, so there is nothing to roll out; upload or import an APK of it first.`,
      'body.packageName',
    );
  }

  if ((input.appVersionId === undefined) === (input.versionCode === undefined)) {
    throw new InvalidInputError('Give the target as exactly one of appVersionId and versionCode.', 'body.appVersionId');
  }
  const row = versions.find((version) =>
    input.appVersionId !== undefined ? version.id === input.appVersionId : Number(version.version_code) === input.versionCode,
  );
  if (!row) {
    const requested = input.appVersionId !== undefined ? `app version ${input.appVersionId}` : `versionCode ${input.versionCode}`;
    throw new NotFoundError(
      `${input.packageName} has no ${requested}; its versionCodes are ${versions.map((version) => version.version_code).join(', ')}.`,
      input.appVersionId !== undefined ? 'body.appVersionId' : 'body.versionCode',
    );
  }
  return { row, others: versions.filter((version) => version.id !== row.id) };
}

async function rejectDowngrade(
  ctx: AppContext,
  packageName: string,
  scope: DeviceScope,
  stages: readonly RolloutStage[],
  targetCode: number,
): Promise<void> {
  const devices = await listRolloutDevices(ctx, { packageName, scope, stages });
  const above = devices.filter((device) => device.installedVersionCode !== null && device.installedVersionCode > targetCode);
  if (above.length === 0) return;

  const highest = Math.max(...above.map((device) => device.installedVersionCode ?? 0));
  throw new ConflictError(
    'target_below_installed',
    `Target versionCode ${targetCode} is lower than what ${above.length} device(s) in scope run (up to versionCode ${highest}). ` +
      'Android cannot downgrade an app without erasing its data, so Outpost never offers a lower version. ' +
      'Choose a target at or above that version, or narrow the scope; to stop a bad version, halt its rollout and add a pin.',
    'body.versionCode',
  );
}
