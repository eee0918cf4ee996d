/**
 * Contact state of a device, judged by its last contact against the agent's
 * report interval: online, late (missed a report or two), offline (missed
 * several, including the hourly forced sync), or never (no contact since
 * enrolment).
 */
export type ContactState = 'online' | 'late' | 'offline' | 'never';

export const CONTACT_STATES: readonly ContactState[] = ['online', 'late', 'offline', 'never'];

/** Minutes since the last contact after which a device counts as late, then as offline. */
export interface ContactThresholds {
  lateAfterMinutes: number;
  offlineAfterMinutes: number;
}

/** Maximum of either threshold: 30 days. A phone silent for longer is offline under any useful rule. */
export const MAX_CONTACT_THRESHOLD_MINUTES = 30 * 24 * 60;

const MINUTE_MS = 60_000;

/** Classifies a device by its last contact at `now`. */
export function contactState(lastContactAt: number | null, now: number, thresholds: ContactThresholds): ContactState {
  if (lastContactAt === null) return 'never';

  const bounds = contactBounds(now, thresholds);
  if (lastContactAt >= bounds.onlineSince) return 'online';
  if (lastContactAt >= bounds.lateSince) return 'late';
  return 'offline';
}

/**
 * Returns the last-contact times that separate the states at `now`: a
 * contact at or after `onlineSince` is online, one at or after `lateSince`
 * is late, and an earlier one is offline.
 */
export function contactBounds(now: number, thresholds: ContactThresholds): { onlineSince: number; lateSince: number } {
  return {
    onlineSince: now - thresholds.lateAfterMinutes * MINUTE_MS,
    lateSince: now - thresholds.offlineAfterMinutes * MINUTE_MS,
  };
}

/**
 * Returns a message naming the field at fault when the thresholds are not
 * whole positive minutes with late before offline, or null when they are valid.
 */
export function checkContactThresholds(thresholds: ContactThresholds): { field: keyof ContactThresholds; message: string } | null {
  for (const field of ['lateAfterMinutes', 'offlineAfterMinutes'] as const) {
    const value = thresholds[field];
    if (!Number.isInteger(value) || value < 1 || value > MAX_CONTACT_THRESHOLD_MINUTES) {
      return {
        field,
        message: `Invalid ${field}: ${String(value)}. Give a whole number of minutes from 1 to ${MAX_CONTACT_THRESHOLD_MINUTES}.`,
      };
    }
  }

  if (thresholds.lateAfterMinutes >= thresholds.offlineAfterMinutes) {
    return {
      field: 'offlineAfterMinutes',
      message:
        `Invalid offlineAfterMinutes: ${thresholds.offlineAfterMinutes} is not greater than lateAfterMinutes ` +
        `(${thresholds.lateAfterMinutes}). A device must turn late before it turns offline, so raise offlineAfterMinutes.`,
    };
  }
  return null;
}
