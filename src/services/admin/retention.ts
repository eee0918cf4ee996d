import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';

/** Days each kind of record is kept before the purge jobs delete it. */
export interface RetentionSettings {
  locationDays: number;
  deviceLogDays: number;
  auditEventDays: number;
  /** Commands that are confirmed, failed, expired or cancelled; open commands are never purged. */
  finishedCommandDays: number;
  /** DHIS2 sync runs that have finished. */
  syncRunDays: number;
  /** Bulk jobs that completed or were cancelled, with their per-device results. */
  bulkJobDays: number;
}

export type RetentionKind = keyof RetentionSettings;

const SETTINGS_KEY = 'retention';

/**
 * Defaults: 90 days of locations cover a quarter's field supervision;
 * device logs serve troubleshooting and lose value within a month; audit
 * events are kept a year for reviews; finished commands, sync runs and bulk
 * jobs only explain recent history.
 */
export const DEFAULT_RETENTION: RetentionSettings = {
  locationDays: 90,
  deviceLogDays: 30,
  auditEventDays: 365,
  finishedCommandDays: 90,
  syncRunDays: 30,
  bulkJobDays: 90,
};

/** Ten years; longer keeps records past any programme's life and any reporting need. */
export const MAX_RETENTION_DAYS = 3650;

export const RETENTION_KINDS = Object.keys(DEFAULT_RETENTION) as RetentionKind[];

/** Reads the stored settings; kinds never saved take their default. */
export async function readRetentionSettings(store: Store): Promise<RetentionSettings> {
  const stored = await store.settings.get<Partial<RetentionSettings>>(SETTINGS_KEY);
  return { ...DEFAULT_RETENTION, ...stored };
}

export async function getRetentionSettings(ctx: AppContext, caller: Caller): Promise<RetentionSettings> {
  requireRole(caller, 'viewer');
  return readRetentionSettings(ctx.store);
}

/** Changes the kinds given in `input`, keeps the others, and audits the change. */
export async function updateRetentionSettings(
  ctx: AppContext,
  caller: Caller,
  input: Partial<Record<RetentionKind, unknown>>,
): Promise<RetentionSettings> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing the retention settings');

  const before = await readRetentionSettings(ctx.store);
  const after: RetentionSettings = { ...before };
  for (const kind of RETENTION_KINDS) {
    const value = input[kind];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RETENTION_DAYS) {
      throw new InvalidInputError(
        `Invalid ${kind} ${JSON.stringify(value)}: give a whole number of days from 1 to ${MAX_RETENTION_DAYS}.`,
        `body.${kind}`,
      );
    }
    after[kind] = value;
  }

  const now = ctx.now();
  await ctx.store.settings.set(SETTINGS_KEY, after, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'retention.update', targetType: 'settings', targetId: SETTINGS_KEY, details: { before, after } },
    now,
  );
  return after;
}
