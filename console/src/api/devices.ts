import { request } from './client.js';
import type { CursorPage, DeviceDetail, DeviceStatus, DeviceSummary } from './types.js';

/** Sort keys the device list accepts. */
export type DeviceSortKey = 'deviceId' | 'lastContact' | 'enrolledAt' | 'model' | 'battery';
export type SortOrder = 'asc' | 'desc';

export interface DeviceListQuery {
  search: string;
  sort: DeviceSortKey;
  order: SortOrder;
  limit: number;
  cursor: string | null;
  /** Only devices in this contact state; '' for all. */
  contactState?: DeviceStatus | '';
  /** Only devices in this org unit's subtree; '' for all. */
  orgUnitId?: string;
  /** Only devices assigned to this DHIS2 user uid; '' for all. */
  dhis2UserId?: string;
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

/** Command types as the admin API names them. */
export type CommandType =
  | 'lock'
  | 'unlock'
  | 'reboot'
  | 'wipe'
  | 'passwordReset'
  | 'uninstallApp'
  | 'clearAppData'
  | 'grantPermissions'
  | 'message'
  | 'sync';

/** Parameters of a command; which apply depends on its type. */
export interface CommandParameters {
  message?: string;
  newPassword?: string;
  packageName?: string;
  packageNames?: string[];
}

/** Re-entered password, and the typed device id or device count, for a wipe or password reset. */
export interface Confirmation {
  password: string;
  deviceId?: string;
  deviceCount?: number;
}

export interface CommandInput extends CommandParameters {
  type: CommandType;
  expiresInHours?: number;
  confirmation?: Confirmation;
}

export interface DeviceCommand {
  id: string;
  type: CommandType;
  state: 'queued' | 'sent' | 'confirmed' | 'failed' | 'expired' | 'cancelled';
  generation: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  bulkJobId: string | null;
  parameters: { message?: string; packageName?: string; packageNames?: string[] };
}

export function sendCommand(id: string, command: CommandInput): Promise<DeviceCommand> {
  return request<DeviceCommand>('POST', `devices/${encodeURIComponent(id)}/commands`, { body: command });
}

export function fetchCommands(id: string, cursor: string | null): Promise<CursorPage<DeviceCommand>> {
  return request('GET', `devices/${encodeURIComponent(id)}/commands`, { query: { limit: 20, cursor } });
}

export function cancelCommand(id: string, commandId: string): Promise<DeviceCommand> {
  return request('POST', `devices/${encodeURIComponent(id)}/commands/${encodeURIComponent(commandId)}/cancel`);
}

export interface LostMode {
  deviceId: string;
  lost: boolean;
  since: number | null;
  message: string | null;
  by: string | null;
}

export function fetchLostMode(id: string): Promise<LostMode> {
  return request('GET', `devices/${encodeURIComponent(id)}/lost-mode`);
}

export function enterLostMode(id: string, message: string): Promise<LostMode> {
  return request('PUT', `devices/${encodeURIComponent(id)}/lost-mode`, { body: { message } });
}

export function leaveLostMode(id: string): Promise<LostMode> {
  return request('DELETE', `devices/${encodeURIComponent(id)}/lost-mode`);
}
