import { stringify } from 'csv-stringify/sync';

import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { fileNamePart, guardSpreadsheetText, isoUtc, type ExportFormat } from '../../domain/location-export.js';
import { loadDeviceForCaller } from './device-access.js';
import { listFleetPositions, readTrack, trackRangeOf, type FleetPosition, type TrackPoint, type TrackQuery } from './locations.js';

/**
 * Maximum fixes in one track export: a year of reports every 15 minutes
 * (35,040) with room for the extra report after each sync. When a period
 * has more, the newest are kept, and the header, file name and GeoJSON mark it.
 */
export const MAX_EXPORT_POINTS = 50_000;

/** A file ready to send: its bytes, media type and suggested name. */
export interface ExportFile {
  body: string;
  mediaType: string;
  fileName: string;
  /** True when the period held more than MAX_EXPORT_POINTS fixes and only the newest are in the file. */
  truncated: boolean;
}

const GEOJSON_MEDIA_TYPE = 'application/geo+json; charset=utf-8';
const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';

/** Exports one device's track over a period as GeoJSON or CSV, and records the export in the audit log. */
export async function exportDeviceTrack(
  ctx: AppContext,
  caller: Caller,
  devicePk: string,
  query: TrackQuery & { format: ExportFormat },
): Promise<ExportFile> {
  requireRole(caller, 'viewer');
  const device = await loadDeviceForCaller(ctx, caller, devicePk);
  const range = trackRangeOf(query, ctx.now());

  const { points, truncated } = await readTrack(ctx, device, range, MAX_EXPORT_POINTS);
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'locations.export_track',
      targetType: 'device',
      targetId: device.id,
      details: { format: query.format, from: range.from, to: range.to, points: points.length },
    },
    ctx.now(),
  );

  // A browser download shows the file name but not the X-Outpost-Truncated
  // header, so the name of a cut file marks it.
  const cutNote = truncated ? `-newest-${MAX_EXPORT_POINTS}` : '';
  const baseName = `track-${fileNamePart(device.device_id)}-${compactUtc(range.from)}-${compactUtc(range.to)}${cutNote}`;
  if (query.format === 'geojson') {
    const body = trackGeoJson(device.device_id, range, points, truncated);
    return { body, mediaType: GEOJSON_MEDIA_TYPE, fileName: `${baseName}.geojson`, truncated };
  }
  return { body: trackCsv(device.device_id, points), mediaType: CSV_MEDIA_TYPE, fileName: `${baseName}.csv`, truncated };
}

/** Exports the last position of every device in the caller's scope, and records the export in the audit log. */
export async function exportFleetPositions(
  ctx: AppContext,
  caller: Caller,
  query: { format: ExportFormat; since?: string },
): Promise<ExportFile> {
  const { items } = await listFleetPositions(ctx, caller, query);
  const now = ctx.now();
  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'locations.export_fleet',
      targetType: 'fleet',
      details: { format: query.format, devices: items.length, since: query.since ?? null },
    },
    now,
  );

  const baseName = `fleet-positions-${compactUtc(now)}`;
  if (query.format === 'geojson') {
    return { body: fleetGeoJson(items), mediaType: GEOJSON_MEDIA_TYPE, fileName: `${baseName}.geojson`, truncated: false };
  }
  return { body: fleetCsv(items), mediaType: CSV_MEDIA_TYPE, fileName: `${baseName}.csv`, truncated: false };
}

/**
 * Builds an RFC 7946 FeatureCollection: one Point per fix in time order and,
 * with two fixes or more, a LineString of the whole track. Coordinates are
 * [longitude, latitude] as the RFC requires. The foreign member `truncated`
 * (RFC 7946 section 6.1) is true when older fixes of the period were left out.
 */
function trackGeoJson(deviceId: string, range: { from: number; to: number }, points: TrackPoint[], truncated: boolean): string {
  const features: object[] = points.map((point) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [point.lon, point.lat] },
    properties: {
      deviceId,
      takenAt: isoUtc(point.at),
      takenAtMs: point.at,
      receivedAt: isoUtc(point.receivedAt),
      receivedAtMs: point.receivedAt,
    },
  }));

  if (points.length >= 2) {
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: points.map((point) => [point.lon, point.lat]) },
      properties: { deviceId, from: isoUtc(range.from), to: isoUtc(range.to), points: points.length },
    });
  }
  return JSON.stringify({ type: 'FeatureCollection', truncated, features });
}

function fleetGeoJson(items: FleetPosition[]): string {
  const features = items.map((item) => ({
    type: 'Feature',
    id: item.id,
    geometry: { type: 'Point', coordinates: [item.lon, item.lat] },
    properties: {
      deviceId: item.deviceId,
      serial: item.serial,
      model: item.model,
      orgUnitId: item.orgUnitId,
      status: item.status,
      lastContactAt: isoUtc(item.lastContactAt) || null,
      lastContactAtMs: item.lastContactAt,
      takenAt: isoUtc(item.at),
      takenAtMs: item.at,
      batteryLevel: item.batteryLevel,
      lostModeSince: isoUtc(item.lostModeSince) || null,
    },
  }));
  return JSON.stringify({ type: 'FeatureCollection', features });
}

// The byte order mark makes spreadsheet programs read the file as UTF-8.
const CSV_OPTIONS = { bom: true, header: true, record_delimiter: 'windows' } as const;

function trackCsv(deviceId: string, points: TrackPoint[]): string {
  const device = guardSpreadsheetText(deviceId);
  const rows = points.map((point) => ({
    device_id: device,
    taken_at_utc: isoUtc(point.at),
    taken_at_ms: point.at,
    latitude: point.lat,
    longitude: point.lon,
    received_at_utc: isoUtc(point.receivedAt),
    received_at_ms: point.receivedAt,
  }));
  const columns = ['device_id', 'taken_at_utc', 'taken_at_ms', 'latitude', 'longitude', 'received_at_utc', 'received_at_ms'];
  return stringify(rows, { ...CSV_OPTIONS, columns });
}

function fleetCsv(items: FleetPosition[]): string {
  const rows = items.map((item) => ({
    device_id: guardSpreadsheetText(item.deviceId),
    serial: guardSpreadsheetText(item.serial),
    model: guardSpreadsheetText(item.model),
    org_unit_id: guardSpreadsheetText(item.orgUnitId),
    status: item.status,
    lost_mode_since_utc: isoUtc(item.lostModeSince),
    latitude: item.lat,
    longitude: item.lon,
    taken_at_utc: isoUtc(item.at),
    taken_at_ms: item.at,
    last_contact_utc: isoUtc(item.lastContactAt),
    last_contact_ms: item.lastContactAt ?? '',
    battery_level: item.batteryLevel ?? '',
  }));
  const columns = [
    'device_id',
    'serial',
    'model',
    'org_unit_id',
    'status',
    'lost_mode_since_utc',
    'latitude',
    'longitude',
    'taken_at_utc',
    'taken_at_ms',
    'last_contact_utc',
    'last_contact_ms',
    'battery_level',
  ];
  return stringify(rows, { ...CSV_OPTIONS, columns });
}

/** UTC time as 20260301T080000Z, for file names. */
function compactUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
