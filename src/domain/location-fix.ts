/** A position the agent reported: when the phone took it and where, in WGS 84 degrees. */
export interface LocationFix {
  takenAt: number;
  lat: number;
  lon: number;
}

/**
 * A coordinate as a device report carries it: a number, or the text that
 * Jackson writes by default for a NaN or infinite double.
 */
export type ReportedCoordinate = number | 'NaN' | 'Infinity' | '-Infinity';

/** Converts a reported coordinate to a number; the texts become NaN and the infinities, which checkFix rejects. */
export function coordinateValue(value: ReportedCoordinate): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Reason a reported fix was kept out of the track. */
export type FixRejection = 'invalid_coordinates' | 'null_island' | 'future_time' | 'invalid_time';

export const FIX_REJECTIONS: readonly FixRejection[] = ['invalid_coordinates', 'null_island', 'future_time', 'invalid_time'];

/**
 * How far ahead of the server clock a fix time may be. Phones set their
 * clock from the network, so honest fixes are seconds apart from the server;
 * 10 minutes also covers a clock set by hand. A fix further ahead comes from
 * a wrong clock, and accepting it would pin the device's last position
 * until real time caught up, because the last position only moves forward.
 */
export const MAX_FIX_FUTURE_SKEW_MS = 10 * 60_000;

/**
 * Earliest fix time accepted: 1 January 2008 UTC, before the first Android
 * phone shipped. Older times come from a phone whose clock was never set, or
 * from a GPS week-number rollover that moves the date back by 19.7 years.
 */
export const EARLIEST_FIX_TIME_MS = Date.UTC(2008, 0, 1);

/**
 * Checks a reported fix and returns null when it belongs in the track, or
 * the reason it does not. Exactly 0,0 ("null island", open sea in the Gulf
 * of Guinea) is what a location provider returns when it has no fix, so it
 * is rejected too, and so are NaN and the infinities.
 */
export function checkFix(fix: LocationFix, now: number): FixRejection | null {
  const { lat, lon, takenAt } = fix;

  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    return 'invalid_coordinates';
  }
  if (lat === 0 && lon === 0) return 'null_island';

  if (!Number.isSafeInteger(takenAt) || takenAt < EARLIEST_FIX_TIME_MS) return 'invalid_time';
  if (takenAt > now + MAX_FIX_FUTURE_SKEW_MS) return 'future_time';
  return null;
}
