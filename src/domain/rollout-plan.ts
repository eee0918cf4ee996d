/** Lifecycle of a rollout. Only a running rollout raises any device's version. */
export type RolloutState = 'draft' | 'running' | 'paused' | 'halted' | 'complete';

/** One step of a rollout: from `startsAt`, devices whose place is under `percent` / 100 get the target. */
export interface RolloutStage {
  /** Milliseconds since the epoch. */
  startsAt: number;
  /** Share of in-scope devices, 0 < percent ≤ 100. */
  percent: number;
  /** Failure percentage, failed / (installed + failed), above which the rollout halts. */
  failureThreshold: number;
}

export type RolloutAction = 'start' | 'pause' | 'resume' | 'halt' | 'complete';

/** States each action may leave from, and the state it leads to. */
export const ROLLOUT_TRANSITIONS: Readonly<Record<RolloutAction, { from: readonly RolloutState[]; to: RolloutState }>> = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused', 'halted'], to: 'running' },
  halt: { from: ['running', 'paused'], to: 'halted' },
  complete: { from: ['draft', 'running', 'paused', 'halted'], to: 'complete' },
};

/** Rollouts that still hold their package: a second one for the same package is rejected. */
export const OPEN_ROLLOUT_STATES: readonly RolloutState[] = ['draft', 'running', 'paused', 'halted'];

// Twenty steps cover any staged plan a programme runs; more is a typo.
export const MAX_ROLLOUT_STAGES = 20;
// A start time up to a minute old counts as "now": it covers clock skew
// between console and server and the time the request took.
export const STAGE_START_GRACE_MS = 60_000;
// A ratio over fewer results is noise: two failures among the first five
// phones would otherwise halt a rollout at 40 %.
export const MIN_FAILURE_SAMPLE = 10;

/** A problem with a stage list, naming the field at fault. */
export interface StageProblem {
  field: string;
  message: string;
}

/** Checks that stages exist, shares and start times rise, and nothing starts in the past. */
export function findStageProblem(stages: readonly RolloutStage[], now: number): StageProblem | null {
  if (stages.length === 0) return { field: 'body.stages', message: 'A rollout needs at least one stage.' };
  if (stages.length > MAX_ROLLOUT_STAGES) {
    return { field: 'body.stages', message: `A rollout has at most ${MAX_ROLLOUT_STAGES} stages; ${stages.length} were given.` };
  }

  for (const [index, stage] of stages.entries()) {
    const field = `body.stages.${index}`;
    if (!(stage.percent > 0 && stage.percent <= 100)) {
      return { field: `${field}.percent`, message: `Stage ${index + 1} share ${stage.percent} % is invalid: give more than 0 and at most 100.` };
    }
    if (!(stage.failureThreshold >= 0 && stage.failureThreshold <= 100)) {
      return {
        field: `${field}.failureThreshold`,
        message: `Stage ${index + 1} failure threshold ${stage.failureThreshold} % is invalid: give 0 to 100.`,
      };
    }
    if (index === 0 && stage.startsAt < now - STAGE_START_GRACE_MS) {
      return {
        field: `${field}.startsAt`,
        message: `Stage 1 starts at ${new Date(stage.startsAt).toISOString()}, which is in the past; give a time from now on.`,
      };
    }

    const previous = stages[index - 1];
    if (previous && stage.percent <= previous.percent) {
      return {
        field: `${field}.percent`,
        message: `Stage shares must rise: stage ${index + 1} has ${stage.percent} %, not more than stage ${index} (${previous.percent} %).`,
      };
    }
    if (previous && stage.startsAt <= previous.startsAt) {
      return {
        field: `${field}.startsAt`,
        message: `Stage start times must rise: stage ${index + 1} starts at ${new Date(stage.startsAt).toISOString()}, not after stage ${index}.`,
      };
    }
  }
  return null;
}

/** Returns the index of the last stage that has started at `now`, or -1 before the first. */
export function currentStageIndex(stages: readonly RolloutStage[], now: number): number {
  let current = -1;
  for (const [index, stage] of stages.entries()) {
    if (stage.startsAt <= now) current = index;
  }
  return current;
}

/**
 * Returns the first stage that selects a device, or -1 when none does.
 * Pilot devices join at the first stage whatever their place.
 */
export function joiningStageIndex(stages: readonly RolloutStage[], place: number, pilot: boolean): number {
  if (pilot) return stages.length > 0 ? 0 : -1;
  return stages.findIndex((stage) => place < stage.percent / 100);
}

/** Tells whether a running rollout offers its target to a device at `now`. */
export function isDeviceSelected(
  rollout: { state: RolloutState; stages: readonly RolloutStage[] },
  place: number,
  pilot: boolean,
  now: number,
): boolean {
  if (rollout.state !== 'running') return false;

  const current = currentStageIndex(rollout.stages, now);
  const joining = joiningStageIndex(rollout.stages, place, pilot);
  return current >= 0 && joining >= 0 && joining <= current;
}

/**
 * Tells whether a stage's install results pass its failure threshold. The
 * ratio counts only settled devices, installed or failed, and needs at
 * least MIN_FAILURE_SAMPLE of them.
 */
export function failurePassesThreshold(results: { installed: number; failed: number }, thresholdPercent: number): boolean {
  const settled = results.installed + results.failed;
  if (settled < MIN_FAILURE_SAMPLE) return false;
  return (results.failed / settled) * 100 > thresholdPercent;
}
