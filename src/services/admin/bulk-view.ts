import type { BulkJobDeviceState, BulkJobRow } from '../../store/schema.js';

/** A bulk job with its progress, as the console shows it. */
export interface BulkJobView {
  id: string;
  type: string;
  state: string;
  /** Lock or text message and package names; never a password. */
  parameters: Record<string, unknown>;
  selection: unknown;
  expiresInHours: number | null;
  total: number;
  /** Devices per result: done (command queued), skipped, failed, cancelled (left out) and pending. */
  devices: Record<BulkJobDeviceState, number>;
  /** The job's commands per state, from queued to confirmed. */
  commands: Record<string, number>;
  createdBy: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  cancelledBy: string | null;
}

export function toBulkJobView(
  job: BulkJobRow,
  commandStates: Record<string, number>,
  deviceStates: Partial<Record<BulkJobDeviceState, number>>,
): BulkJobView {
  return {
    id: job.id,
    type: job.command_type,
    state: job.state,
    parameters: parseObject(job.payload_json),
    selection: parseObject(job.selection_json),
    expiresInHours: job.expires_in_hours,
    total: job.total,
    devices: {
      pending: deviceStates.pending ?? 0,
      done: deviceStates.done ?? 0,
      skipped: deviceStates.skipped ?? 0,
      failed: deviceStates.failed ?? 0,
      cancelled: deviceStates.cancelled ?? 0,
    },
    commands: commandStates,
    createdBy: job.created_by,
    createdAt: job.created_at,
    startedAt: job.started_at,
    finishedAt: job.finished_at,
    cancelledBy: job.cancelled_by,
  };
}

function parseObject(json: string | null): Record<string, unknown> {
  if (json === null) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
