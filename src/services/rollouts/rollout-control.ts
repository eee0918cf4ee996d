import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import { currentStageIndex, isDeviceSelected, ROLLOUT_TRANSITIONS, type RolloutAction } from '../../domain/rollout-plan.js';
import { visibleDevicePks } from '../admin/device-scope.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { haltIfStageFails } from './rollout-halt.js';
import { listRolloutDevices } from './rollout-devices.js';
import { toRollout, type Rollout } from './rollout-model.js';
import { toRolloutView, type RolloutView } from './rollout-view.js';

/** Lists every rollout, newest first. */
export async function listRollouts(ctx: AppContext, caller: Caller): Promise<RolloutView[]> {
  requireRole(caller, 'viewer');

  const rows = await ctx.store.rollouts.list();
  const views: RolloutView[] = [];
  for (const row of rows) {
    const view = toRolloutView(toRollout(row), await ctx.store.apps.findVersion(row.app_version_id), ctx.now());
    views.push(await withVisiblePilots(ctx, caller, view));
  }
  return views;
}

export async function getRollout(ctx: AppContext, caller: Caller, id: string): Promise<RolloutView> {
  requireRole(caller, 'viewer');

  const rollout = await findRolloutOrThrow(ctx, id);
  return withVisiblePilots(ctx, caller, toRolloutView(rollout, await ctx.store.apps.findVersion(rollout.appVersionId), ctx.now()));
}

/** Leaves out the pilot devices outside the caller's scope. */
async function withVisiblePilots(ctx: AppContext, caller: Caller, view: RolloutView): Promise<RolloutView> {
  return { ...view, scope: { ...view.scope, deviceIds: await visibleDevicePks(ctx, caller, view.scope.deviceIds) } };
}

export async function findRolloutOrThrow(ctx: AppContext, id: string): Promise<Rollout> {
  const row = await ctx.store.rollouts.findById(id);
  if (!row) throw new NotFoundError(`Rollout ${id} was not found. Take the id from the rollout list.`, 'params.id');
  return toRollout(row);
}

/**
 * Starts, pauses, resumes, halts or completes a rollout, audits the change
 * and wakes the devices it selects, so they fetch the changed offer at once.
 */
export async function changeRolloutState(
  ctx: AppContext,
  caller: Caller,
  id: string,
  action: RolloutAction,
  reason?: string,
): Promise<RolloutView> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing a rollout');

  const rollout = await findRolloutOrThrow(ctx, id);
  const transition = ROLLOUT_TRANSITIONS[action];
  const now = ctx.now();
  const haltReason = action === 'halt' ? reason?.trim() || `Halted by ${caller.username}.` : null;

  const changed = transition.from.includes(rollout.state) && (await ctx.store.rollouts.changeState(id, transition.from, transition.to, haltReason, now));
  if (!changed) {
    throw new ConflictError(
      'invalid_rollout_state',
      `Cannot ${action} rollout ${id}: it is ${rollout.state}, and ${action} applies only to a rollout that is ${transition.from.join(' or ')}.`,
    );
  }
  if (action === 'resume') await ctx.store.rollouts.setResumedAt(id, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: `rollout.${action}`, targetType: 'rollout', targetId: id, details: { from: rollout.state, to: transition.to, reason: haltReason } },
    now,
  );

  const updated = await findRolloutOrThrow(ctx, id);
  // Selection uses the rollout as it was running, so a pause or halt still
  // wakes the devices it was offering to, and they stop downloading.
  await wakeSelectedDevices(ctx, transition.to === 'running' ? updated : { ...updated, state: 'running' });
  return toRolloutView(updated, await ctx.store.apps.findVersion(updated.appVersionId), ctx.now());
}

/** Starts a rollout its creator asked to start at once; the audit trail records both steps. */
export async function startCreatedRollout(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  await changeRolloutState(ctx, caller, id, 'start');
}

/**
 * Puts failed devices back to pending so they are offered the target again:
 * the given device record ids, or every failed device.
 */
export async function retryFailedDevices(
  ctx: AppContext,
  caller: Caller,
  id: string,
  devicePks: readonly string[] | null,
): Promise<{ retried: number }> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Retrying a rollout');

  const rollout = await findRolloutOrThrow(ctx, id);
  const now = ctx.now();
  const retried = await ctx.store.rollouts.retryFailed(id, devicePks, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'rollout.retry', targetType: 'rollout', targetId: id, details: { devices: retried, all: devicePks === null } },
    now,
  );

  const deviceIds: string[] = [];
  for (const pk of retried) {
    const device = await ctx.store.devices.findByPk(pk);
    if (device) deviceIds.push(device.device_id);
  }
  if (rollout.state === 'running') notifyConfigChanged(ctx, deviceIds);
  return { retried: retried.length };
}

/** Wakes the devices a running rollout selects now and that do not run the target yet. */
export async function wakeSelectedDevices(ctx: AppContext, rollout: Rollout): Promise<number> {
  const now = ctx.now();
  const devices = await listRolloutDevices(ctx, rollout);
  const due = devices.filter(
    (device) =>
      isDeviceSelected(rollout, device.place, device.pilot, now) &&
      (device.installedVersionCode === null || device.installedVersionCode < rollout.targetVersionCode),
  );
  notifyConfigChanged(ctx, due.map((device) => device.deviceId));

  const stage = currentStageIndex(rollout.stages, now);
  if (rollout.state === 'running' && stage > rollout.wokenStage) await ctx.store.rollouts.setWokenStage(rollout.id, stage, now);
  return due.length;
}

/**
 * Runs the periodic rollout work: wakes the devices of stages that started
 * since the last run, and halts rollouts whose started stages fail too
 * often. Returns how many devices were woken and rollouts halted.
 */
export async function advanceRollouts(ctx: AppContext): Promise<{ woken: number; halted: number }> {
  const now = ctx.now();
  let woken = 0;
  let halted = 0;

  for (const row of await ctx.store.rollouts.listByStates(['running'])) {
    const rollout = toRollout(row);
    const stage = currentStageIndex(rollout.stages, now);

    let stopped = false;
    for (let index = 0; index <= stage && !stopped; index += 1) stopped = await haltIfStageFails(ctx, rollout, index, now);
    if (stopped) {
      halted += 1;
      continue;
    }
    if (stage > rollout.wokenStage) woken += await wakeSelectedDevices(ctx, rollout);
  }
  return { woken, halted };
}
