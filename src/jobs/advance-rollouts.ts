import type { AppContext } from '../context.js';
import { advanceRollouts } from '../services/rollouts/rollout-control.js';
import type { ScheduledJob } from './job.js';

// Stage start times have minute precision, so phones learn of a new stage
// within a minute of its start instead of at their hourly sync.
const ADVANCE_ROLLOUTS_INTERVAL_MS = 60_000;

/** Wakes the phones of rollout stages that have started and halts stages that fail too often. */
export function advanceRolloutsJob(ctx: AppContext): ScheduledJob {
  return {
    name: 'advance-rollouts',
    intervalMs: ADVANCE_ROLLOUTS_INTERVAL_MS,
    async run() {
      return advanceRollouts(ctx);
    },
  };
}
