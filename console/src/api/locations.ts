import { apiUrl, request } from './client.js';
import type { DeviceStatus } from './types.js';

export interface TrackPoint {
  /** When the phone took the fix. */
  at: number;
  lat: number;
  lon: number;
  receivedAt: number;
}

export interface LocationRejection {
  reason: 'invalid_coordinates' | 'null_island' | 'future_time' | 'invalid_time' | string;
  count: number;
  firstAt: number;
  lastAt: number;
  lastFix: { at: number | null; lat: number | null; lon: number | null };
}

export interface DeviceTrack {
  deviceId: string;
  from: number;
  to: number;
  /** Oldest first. */
  points: TrackPoint[];
  truncated: boolean;
  rejections: LocationRejection[];
  rejectedTotal: number;
}

export interface FleetPosition {
  id: string;
  deviceId: string;
  model: string | null;
  serial: string | null;
  orgUnitId: string | null;
  batteryLevel: number | null;
  lastContactAt: number | null;
  status: DeviceStatus;
  lat: number;
  lon: number;
  at: number;
  lostModeSince: number | null;
}

export interface MapSettings {
  urlTemplate: string;
  attribution: string;
}

export interface ContactStateSettings {
  lateAfterMinutes: number;
  offlineAfterMinutes: number;
  source: 'settings' | 'config';
  defaults: { lateAfterMinutes: number; offlineAfterMinutes: number };
}

export type ExportFormat = 'geojson' | 'csv';

/** A period in epoch milliseconds; the API reads them in UTC. */
export interface Period {
  from: number;
  to: number;
}

export function fetchTrack(deviceId: string, period: Period): Promise<DeviceTrack> {
  return request<DeviceTrack>('GET', `devices/${encodeURIComponent(deviceId)}/locations`, { query: { ...period } });
}

export function fetchFleetPositions(): Promise<{ items: FleetPosition[] }> {
  return request<{ items: FleetPosition[] }>('GET', 'locations/fleet');
}

export function fetchMapSettings(): Promise<MapSettings> {
  return request<MapSettings>('GET', 'map/settings');
}

export function fetchContactStateSettings(): Promise<ContactStateSettings> {
  return request<ContactStateSettings>('GET', 'settings/contact-state');
}

export function saveContactStateSettings(thresholds: { lateAfterMinutes: number; offlineAfterMinutes: number }) {
  return request<ContactStateSettings>('PUT', 'settings/contact-state', { body: thresholds });
}

/** Download link of a device's track; the session cookie authorises it. */
export function trackExportUrl(deviceId: string, period: Period, format: ExportFormat): string {
  return apiUrl(`devices/${encodeURIComponent(deviceId)}/locations/export`, { ...period, format });
}

export function fleetExportUrl(format: ExportFormat): string {
  return apiUrl('locations/fleet/export', { format });
}
