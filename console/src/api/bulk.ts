import { request } from './client.js';
import type { CursorPage, DeviceStatus } from './types.js';
import type { CommandParameters, CommandType, Confirmation } from './devices.js';

/** The devices of a bulk job: the device list's filters, or explicit record ids. */
export interface BulkSelection {
  filters?: { search?: string; contactState?: DeviceStatus; orgUnitId?: string; dhis2UserId?: string };
  deviceIds?: string[];
}

export interface BulkJob {
  id: string;
  type: CommandType;
  state: 'queued' | 'running' | 'completed' | 'cancelled';
  parameters: Record<string, unknown>;
  total: number;
  devices: { pending: number; done: number; skipped: number; failed: number; cancelled: number };
  /** The job's commands per state. */
  commands: Record<string, number>;
  createdBy: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelledBy: string | null;
}

export interface BulkJobDevice {
  position: number;
  id: string;
  deviceId: string | null;
  state: 'pending' | 'done' | 'skipped' | 'failed' | 'cancelled';
  commandState: string | null;
  detail: string | null;
}

export interface BulkJobInput extends CommandParameters {
  type: CommandType;
  selection: BulkSelection;
  expiresInHours?: number;
  confirmation?: Confirmation;
}

export function previewSelection(selection: BulkSelection): Promise<{ devices: number }> {
  return request('POST', 'bulk-jobs/preview', { body: { selection } });
}

export function startBulkJob(input: BulkJobInput): Promise<BulkJob> {
  return request('POST', 'bulk-jobs', { body: input });
}

export function fetchBulkJobs(cursor: string | null): Promise<CursorPage<BulkJob>> {
  return request('GET', 'bulk-jobs', { query: { limit: 20, cursor } });
}

export function fetchBulkJob(id: string): Promise<BulkJob> {
  return request('GET', `bulk-jobs/${encodeURIComponent(id)}`);
}

export function fetchBulkJobDevices(id: string, after: number): Promise<{ items: BulkJobDevice[]; nextAfter: number | null }> {
  return request('GET', `bulk-jobs/${encodeURIComponent(id)}/devices`, { query: { after, limit: 100 } });
}

export function cancelBulkJob(id: string): Promise<BulkJob> {
  return request('POST', `bulk-jobs/${encodeURIComponent(id)}/cancel`);
}
