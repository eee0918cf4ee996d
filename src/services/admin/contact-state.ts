import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { checkContactThresholds, type ContactThresholds } from '../../domain/contact-state.js';
import { InvalidInputError } from '../../domain/errors.js';

/** Settings-table key of the thresholds set in the console. */
export const CONTACT_THRESHOLDS_KEY = 'contact_state.thresholds';

export interface ContactStateSettings extends ContactThresholds {
  /** 'settings' when set in the console, 'config' when taken from OUTPOST_ONLINE_MINUTES and OUTPOST_OFFLINE_MINUTES. */
  source: 'settings' | 'config';
  /** The server configuration's values, which apply until an admin sets others. */
  defaults: ContactThresholds;
}

// Thresholds last read or written by this process, for code that maps rows
// synchronously. Every list and settings call refreshes them.
const cachedThresholds = new WeakMap<AppContext, ContactThresholds>();

export function configuredThresholds(ctx: AppContext): ContactThresholds {
  return { lateAfterMinutes: ctx.config.onlineMinutes, offlineAfterMinutes: ctx.config.offlineMinutes };
}

/**
 * Returns the thresholds this process read last, or the configured ones
 * before any read.
 * NOTE: another process's change shows here only after this process reads
 * the settings again, on its next device list, map or settings request.
 */
export function currentContactThresholds(ctx: AppContext): ContactThresholds {
  return cachedThresholds.get(ctx) ?? configuredThresholds(ctx);
}

/** Reads the thresholds in force: the stored setting, or the configured defaults. */
export async function loadContactThresholds(ctx: AppContext): Promise<ContactThresholds> {
  return (await readSettings(ctx)).thresholds;
}

async function readSettings(ctx: AppContext): Promise<{ thresholds: ContactThresholds; source: 'settings' | 'config' }> {
  const stored = await ctx.store.settings.get<Partial<ContactThresholds>>(CONTACT_THRESHOLDS_KEY);
  const candidate = {
    lateAfterMinutes: stored?.lateAfterMinutes ?? Number.NaN,
    offlineAfterMinutes: stored?.offlineAfterMinutes ?? Number.NaN,
  };

  // A stored value is validated when written; one that fails now was edited
  // by hand, so the configured defaults apply instead of a broken rule.
  if (stored === undefined || checkContactThresholds(candidate) !== null) {
    if (stored !== undefined) ctx.logger.warn({ key: CONTACT_THRESHOLDS_KEY }, 'stored contact thresholds invalid, using configured ones');
    const thresholds = configuredThresholds(ctx);
    cachedThresholds.set(ctx, thresholds);
    return { thresholds, source: 'config' };
  }

  cachedThresholds.set(ctx, candidate);
  return { thresholds: candidate, source: 'settings' };
}

export async function getContactStateSettings(ctx: AppContext, caller: Caller): Promise<ContactStateSettings> {
  requireRole(caller, 'viewer');

  const { thresholds, source } = await readSettings(ctx);
  return { ...thresholds, source, defaults: configuredThresholds(ctx) };
}

/** Stores new thresholds for every console user and process; admins with a fleet-wide scope only. */
export async function updateContactStateSettings(
  ctx: AppContext,
  caller: Caller,
  input: ContactThresholds,
): Promise<ContactStateSettings> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing the contact-state thresholds');

  const problem = checkContactThresholds(input);
  if (problem) throw new InvalidInputError(problem.message, `body.${problem.field}`);

  const now = ctx.now();
  const previous = await loadContactThresholds(ctx);
  const thresholds = { lateAfterMinutes: input.lateAfterMinutes, offlineAfterMinutes: input.offlineAfterMinutes };
  await ctx.store.settings.set(CONTACT_THRESHOLDS_KEY, thresholds, now);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'settings.contact_state.update',
      targetType: 'setting',
      targetId: CONTACT_THRESHOLDS_KEY,
      details: { previous, next: thresholds },
    },
    now,
  );
  cachedThresholds.set(ctx, thresholds);

  return { ...thresholds, source: 'settings', defaults: configuredThresholds(ctx) };
}
