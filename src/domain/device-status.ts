export type DeviceStatus = 'online' | 'offline' | 'never';

/**
 * Classifies a device by its last contact: online when it contacted the
 * server within `onlineMinutes` of `now`, never when it has not contacted
 * it since enrolment.
 */
export function deviceStatus(lastContactAt: number | null, now: number, onlineMinutes: number): DeviceStatus {
  if (lastContactAt === null) return 'never';
  return lastContactAt >= onlineSince(now, onlineMinutes) ? 'online' : 'offline';
}

/** Earliest last-contact time that still counts as online. */
export function onlineSince(now: number, onlineMinutes: number): number {
  return now - onlineMinutes * 60_000;
}

/** Midnight UTC at the start of the day that contains `now`. */
export function startOfUtcDay(now: number): number {
  const day = new Date(now);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
}
