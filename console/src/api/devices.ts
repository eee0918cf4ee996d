import { request } from './client.js';
import type { Command, CommandType, CursorPage, DeviceDetail, DeviceSummary } from './types.js';

/** Sort keys the device list accepts. */
export type DeviceSortKey = 'deviceId' | 'lastContact' | 'enrolledAt' | 'model' | 'battery';
export type SortOrder = 'asc' | 'desc';

export interface DeviceListQuery {
  search: string;
  sort: DeviceSortKey;
  order: SortOrder;
  limit: number;
  cursor: string | null;
}

export function fetchDevices(query: DeviceListQuery): Promise<CursorPage<DeviceSummary>> {
  return request<CursorPage<DeviceSummary>>('GET', 'devices', { query: { ...query } });
}

export function fetchDevice(id: string): Promise<DeviceDetail> {
  return request<DeviceDetail>('GET', `devices/${encodeURIComponent(id)}`);
}

export function updateDevice(id: string, change: { policyId?: string | null; orgUnitId?: string | null }) {
  return request<DeviceDetail>('PATCH', `devices/${encodeURIComponent(id)}`, { body: change });
}

export interface CommandInput {
  type: CommandType;
  message?: string;
  expiresInHours?: number;
}

export function sendCommand(id: string, command: CommandInput): Promise<Command> {
  return request<Command>('POST', `devices/${encodeURIComponent(id)}/commands`, { body: command });
}
