import type { AppContext } from '../../context.js';
import { failurePassesThreshold } from '../../domain/rollout-plan.js';
import type { Rollout } from './rollout-model.js';

/**
 * Halts a running rollout when the devices that joined at `stageIndex`
 * fail to install more often than that stage's threshold allows. After a
 * manual resume only results since the resume count, so the failures the
 * manager accepted do not halt the rollout again at once. Returns true when
 * this call halted it.
 */
export async function haltIfStageFails(ctx: AppContext, rollout: Rollout, stageIndex: number, now: number): Promise<boolean> {
  const stage = rollout.stages[stageIndex];
  if (!stage || rollout.state !== 'running') return false;

  const counts = await ctx.store.rollouts.countStage(rollout.id, stageIndex, rollout.resumedAt);
  if (!failurePassesThreshold(counts, stage.failureThreshold)) return false;

  const settled = counts.installed + counts.failed;
  const percent = Math.round((counts.failed / settled) * 1000) / 10;
  const reason =
    `Stage ${stageIndex + 1}: ${counts.failed} of ${settled} devices failed to install (${percent} %), ` +
    `over the ${stage.failureThreshold} % threshold.`;

  const halted = await ctx.store.rollouts.changeState(rollout.id, ['running'], 'halted', reason, now);
  if (!halted) return false;

  await ctx.store.audit.record(
    {
      actor: 'system',
      action: 'rollout.halt',
      targetType: 'rollout',
      targetId: rollout.id,
      details: { automatic: true, stage: stageIndex + 1, installed: counts.installed, failed: counts.failed, reason },
    },
    now,
  );
  ctx.logger.warn({ rolloutId: rollout.id, packageName: rollout.packageName, stage: stageIndex + 1 }, 'rollout halted: install failures over threshold');
  return true;
}
