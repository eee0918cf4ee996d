import i18n from '@dhis2/d2-i18n';

import type { RolloutStage } from '../../api/rollouts.js';

/** A stage as the wizard edits it: text fields, parsed on submit. */
export interface StageDraft {
  /** `YYYY-MM-DDTHH:mm` in local time, the datetime-local input format. Empty means "at once". */
  startsAt: string;
  percent: string;
  failureThreshold: string;
}

/** The API accepts at most 20 stages. */
export const MAX_STAGES = 20;
const DEFAULT_FAILURE_THRESHOLD = '10';
const MS_PER_DAY = 24 * 60 * 60 * 1000;
// The API rejects a first stage that starts more than one minute in the past.
const PAST_START_ALLOWANCE_MS = 60 * 1000;

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Formats a time for a datetime-local input, in the browser's time zone. */
export function toLocalInput(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function firstStageDraft(): StageDraft {
  return { startsAt: '', percent: '10', failureThreshold: DEFAULT_FAILURE_THRESHOLD };
}

/** Proposes a stage one day after the last one, with double its share. */
export function nextStageDraft(stages: StageDraft[], now: number): StageDraft {
  const last = stages[stages.length - 1];
  const lastStart = last && last.startsAt !== '' ? new Date(last.startsAt).getTime() : now;
  const lastPercent = last ? Number(last.percent) || 0 : 0;
  return {
    startsAt: toLocalInput((Number.isNaN(lastStart) ? now : lastStart) + MS_PER_DAY),
    percent: String(Math.min(100, Math.max(lastPercent * 2, lastPercent + 1))),
    failureThreshold: last?.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD,
  };
}

export interface StageErrors {
  startsAt?: string;
  percent?: string;
  failureThreshold?: string;
}

export interface PlanCheck {
  /** Errors per stage, in stage order. A valid stage has an empty object. */
  errors: StageErrors[];
  /** The stages as the API takes them, or null while any stage is invalid. */
  stages: RolloutStage[] | null;
}

/**
 * Checks the rules the API applies to stages: a share in (0, 100], a
 * threshold in [0, 100], and shares and start times that rise from stage to
 * stage. An empty start on the first stage means `now`, and later stages
 * need a time.
 */
export function checkStages(drafts: StageDraft[], now: number): PlanCheck {
  const errors: StageErrors[] = drafts.map(() => ({}));
  const stages: RolloutStage[] = [];

  drafts.forEach((draft, index) => {
    const stageErrors = errors[index]!;
    let startsAt: number;
    if (draft.startsAt === '') {
      startsAt = now;
      if (index > 0) stageErrors.startsAt = i18n.t('Set a start time; only the first stage can start at once.');
    } else {
      startsAt = new Date(draft.startsAt).getTime();
      if (Number.isNaN(startsAt)) stageErrors.startsAt = i18n.t('Enter a valid date and time.');
      else if (index === 0 && startsAt < now - PAST_START_ALLOWANCE_MS) {
        stageErrors.startsAt = i18n.t('The first stage cannot start in the past. Leave the time empty to start at once.');
      }
    }

    const percent = Number(draft.percent);
    if (draft.percent.trim() === '' || !Number.isFinite(percent) || percent <= 0 || percent > 100) {
      stageErrors.percent = i18n.t('Enter a share above 0 and at most 100.');
    }
    const threshold = Number(draft.failureThreshold);
    if (draft.failureThreshold.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
      stageErrors.failureThreshold = i18n.t('Enter a percentage from 0 to 100.');
    }

    const previous = stages[index - 1];
    if (previous && !stageErrors.percent && percent <= previous.percent) {
      stageErrors.percent = i18n.t('The share must be higher than the previous stage ({{percent}}%).', {
        percent: previous.percent,
      });
    }
    if (previous && !stageErrors.startsAt && startsAt <= previous.startsAt) {
      stageErrors.startsAt = i18n.t('The start must be later than the previous stage.');
    }
    stages.push({ startsAt, percent, failureThreshold: threshold });
  });

  if (drafts.length > MAX_STAGES) {
    errors[MAX_STAGES] = { ...errors[MAX_STAGES], percent: i18n.t('A rollout has at most 20 stages.') };
  }
  const valid = drafts.length > 0 && errors.every((stageErrors) => Object.keys(stageErrors).length === 0);
  return { errors, stages: valid ? stages : null };
}
