import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { contactState, type ContactState } from '../../domain/contact-state.js';
import { InvalidInputError } from '../../domain/errors.js';
import { invalidTimeMessage, parseTimeParameter, resolveTrackRange, type TimeRange } from '../../domain/location-range.js';
import type { DeviceRow } from '../../store/schema.js';
import { loadContactThresholds } from './contact-state.js';
import { loadDeviceForCaller } from './device-access.js';
import { deviceScopeFilter } from './device-scope.js';

/**
 * Maximum points in one track response. The agent reports at most every
 * 15 minutes, so 10,000 points cover about 104 days of one phone, more than
 * the default 90-day retention. A longer period returns its newest points.
 */
export const MAX_TRACK_POINTS = 10_000;

export interface TrackPoint {
  /** When the phone took the fix. */
  at: number;
  lat: number;
  lon: number;
  /** When Outpost received the report that carried it. */
  receivedAt: number;
}

export interface LocationRejectionView {
  reason: string;
  count: number;
  firstAt: number;
  lastAt: number;
  /** The last rejected fix as the phone reported it. */
  lastFix: { at: number | null; lat: number | null; lon: number | null };
}

export interface DeviceTrack {
  deviceId: string;
  from: number;
  to: number;
  /** Fixes ordered by the time the phone took them, oldest first. */
  points: TrackPoint[];
  /** True when the period held more than MAX_TRACK_POINTS fixes and only the newest are listed. */
  truncated: boolean;
  /** Reports whose fix was kept out of the track, per reason, over the device's whole history. */
  rejections: LocationRejectionView[];
  rejectedTotal: number;
}

export interface TrackQuery {
  from?: string;
  to?: string;
}

/** Loads one device's track over a period; viewers and up, within the caller's scope. */
export async function getDeviceTrack(ctx: AppContext, caller: Caller, devicePk: string, query: TrackQuery): Promise<DeviceTrack> {
  requireRole(caller, 'viewer');
  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  const range = trackRangeOf(query, ctx.now());

  const { points, truncated } = await readTrack(ctx, device, range, MAX_TRACK_POINTS);
  const rejections = await listRejections(ctx, device.id);
  return {
    deviceId: device.device_id,
    from: range.from,
    to: range.to,
    points,
    truncated,
    rejections,
    rejectedTotal: rejections.reduce((sum, rejection) => sum + rejection.count, 0),
  };
}

/** Parses from and to, or throws InvalidInputError naming the query parameter. */
export function trackRangeOf(query: TrackQuery, now: number): TimeRange {
  const range = resolveTrackRange(query.from, query.to, now);
  if ('field' in range) throw new InvalidInputError(range.message, `query.${range.field}`);
  return range;
}

/** Reads the newest `limit` fixes of the range and returns them oldest first. */
export async function readTrack(
  ctx: AppContext,
  device: DeviceRow,
  range: TimeRange,
  limit: number,
): Promise<{ points: TrackPoint[]; truncated: boolean }> {
  const rows = await ctx.store.locations.listForDevice(device.id, range.from, range.to, limit + 1);
  const truncated = rows.length > limit;
  const points = rows
    .slice(0, limit)
    .reverse()
    .map((row) => ({ at: Number(row.taken_at), lat: row.lat, lon: row.lon, receivedAt: Number(row.received_at) }));
  return { points, truncated };
}

async function listRejections(ctx: AppContext, devicePk: string): Promise<LocationRejectionView[]> {
  const rows = await ctx.store.locations.listRejections(devicePk);
  return rows.map((row) => ({
    reason: row.reason,
    count: Number(row.count),
    firstAt: Number(row.first_at),
    lastAt: Number(row.last_at),
    lastFix: { at: row.last_taken_at === null ? null : Number(row.last_taken_at), lat: row.last_lat, lon: row.last_lon },
  }));
}

export interface FleetPosition {
  id: string;
  deviceId: string;
  model: string | null;
  serial: string | null;
  orgUnitId: string | null;
  batteryLevel: number | null;
  lastContactAt: number | null;
  status: ContactState;
  lat: number;
  lon: number;
  /** When the phone took its last fix. */
  at: number;
  /** When lost mode was switched on, or null when the phone is not marked lost. */
  lostModeSince: number | null;
}

export interface FleetPositionsQuery {
  /** Leave out devices whose last fix was taken before this time (ISO 8601 or epoch ms). */
  since?: string;
}

/** Lists the last position of every device in the caller's scope that has one. */
export async function listFleetPositions(ctx: AppContext, caller: Caller, query: FleetPositionsQuery): Promise<{ items: FleetPosition[] }> {
  requireRole(caller, 'viewer');

  let takenSince: number | null = null;
  if (query.since !== undefined) {
    takenSince = parseTimeParameter(query.since);
    if (takenSince === null) {
      throw new InvalidInputError(invalidTimeMessage('since', query.since), 'query.since');
    }
  }

  const thresholds = await loadContactThresholds(ctx);
  const now = ctx.now();
  const rows = await ctx.store.locations.listFleetPositions({ takenSince, scope: deviceScopeFilter(caller) });

  const items = rows.map((row) => {
    const lastContactAt = row.last_contact_at === null ? null : Number(row.last_contact_at);
    return {
      id: row.id,
      deviceId: row.device_id,
      model: row.model,
      serial: row.serial,
      orgUnitId: row.org_unit_id,
      batteryLevel: row.battery_level,
      lastContactAt,
      status: contactState(lastContactAt, now, thresholds),
      lat: row.last_lat,
      lon: row.last_lon,
      at: Number(row.last_location_at),
      lostModeSince: row.lost_mode_since === null ? null : Number(row.lost_mode_since),
    };
  });
  return { items };
}
