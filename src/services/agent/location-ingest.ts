import type { AppContext } from '../../context.js';
import { checkFix, coordinateValue, type ReportedCoordinate } from '../../domain/location-fix.js';
import type { DeviceUpdate } from '../../store/schema.js';

/** Outcome of a report's location for the device. */
export interface LocationIngestResult {
  /** The new last position, set only when the fix was taken after the stored one. */
  lastPosition: Pick<DeviceUpdate, 'last_lat' | 'last_lon' | 'last_location_at'> | null;
}

const UNCHANGED: LocationIngestResult = { lastPosition: null };

/**
 * Adds the fix of one device report to the device's track. Reports arrive
 * late, out of order and twice, and the agent resends its last known fix
 * every 15 minutes until it gets a new one. So the track keeps one row per
 * time taken, and the last position only moves to a fix taken later than
 * the stored one. A fix that fails checkFix is counted per device and
 * reason instead of stored. `lastLocationAt` is the device's stored last
 * position time, when the caller read it: a fix taken exactly then is the
 * resent last fix, stored when it first came, so it costs no write.
 */
export async function ingestLocation(
  ctx: AppContext,
  devicePk: string,
  reported: { takenAt: number; lat: ReportedCoordinate; lon: ReportedCoordinate },
  receivedAt: number,
  lastLocationAt: number | null = null,
): Promise<LocationIngestResult> {
  const fix = { takenAt: reported.takenAt, lat: coordinateValue(reported.lat), lon: coordinateValue(reported.lon) };
  const rejection = checkFix(fix, receivedAt);
  if (rejection) {
    const count = await ctx.store.locations.recordRejection(devicePk, rejection, fix, receivedAt);
    // Logged once per device and reason; later ones only raise the count.
    if (count === 1) {
      ctx.logger.warn({ devicePk, reason: rejection, takenAt: fix.takenAt }, 'device location rejected');
    }
    return UNCHANGED;
  }
  if (lastLocationAt !== null && Number(lastLocationAt) === fix.takenAt) return UNCHANGED;

  await ctx.store.locations.append(devicePk, fix, receivedAt);
  const moved = await ctx.store.locations.advanceLastPosition(devicePk, fix);
  if (!moved) return UNCHANGED;
  return { lastPosition: { last_lat: fix.lat, last_lon: fix.lon, last_location_at: fix.takenAt } };
}
