import type { CommandRow } from '../../store/schema.js';

/** A command as the console lists it, with the parameters it is safe to show. */
export interface CommandDetailView {
  id: string;
  type: string;
  state: string;
  /** Enrolment generation the command is bound to. */
  generation: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  bulkJobId: string | null;
  /** Lock or text message, package names; never the new screen-lock password. */
  parameters: { message?: string; packageName?: string; packageNames?: string[] };
}

export function toCommandDetailView(row: CommandRow): CommandDetailView {
  return {
    id: row.id,
    type: row.type,
    state: row.state,
    generation: row.generation,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    bulkJobId: row.bulk_job_id,
    parameters: visibleParameters(row.payload_json),
  };
}

function visibleParameters(payloadJson: string | null): CommandDetailView['parameters'] {
  let payload: unknown;
  try {
    payload = payloadJson === null ? null : JSON.parse(payloadJson);
  } catch {
    return {};
  }
  if (typeof payload !== 'object' || payload === null) return {};

  const stored = payload as Record<string, unknown>;
  const parameters: CommandDetailView['parameters'] = {};
  const message = stored.message ?? stored.text;
  if (typeof message === 'string') parameters.message = message;
  if (typeof stored.packageName === 'string') parameters.packageName = stored.packageName;
  if (Array.isArray(stored.packageNames)) parameters.packageNames = stored.packageNames.filter((name) => typeof name === 'string');
  return parameters;
}
