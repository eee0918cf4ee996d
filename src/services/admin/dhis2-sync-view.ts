import type { Dhis2SyncRunRow } from '../../store/schema.js';
import type { SyncChange } from './dhis2-sync-apply.js';

type Counts = { added: number; changed: number; removed: number };

export interface SyncRunView {
  id: string;
  trigger: string;
  actor: string;
  mode: string;
  state: 'running' | 'succeeded' | 'failed';
  phase: string;
  done: number;
  total: number;
  startedAt: number;
  finishedAt: number | null;
  dhis2Version: string | null;
  units: Counts;
  users: Counts;
  groups: Counts;
  error: string | null;
  warnings: string[];
  changes: SyncChange[];
}

export function toSyncRunView(row: Dhis2SyncRunRow): SyncRunView {
  return {
    id: row.id,
    trigger: row.trigger,
    actor: row.actor,
    mode: row.mode,
    state: row.state,
    phase: row.phase,
    done: Number(row.done),
    total: Number(row.total),
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    dhis2Version: row.dhis2_version,
    units: { added: Number(row.units_added), changed: Number(row.units_changed), removed: Number(row.units_removed) },
    users: { added: Number(row.users_added), changed: Number(row.users_changed), removed: Number(row.users_removed) },
    groups: { added: Number(row.groups_added), changed: Number(row.groups_changed), removed: Number(row.groups_removed) },
    error: row.error,
    warnings: row.warnings_json ? (JSON.parse(row.warnings_json) as string[]) : [],
    changes: row.changes_json ? (JSON.parse(row.changes_json) as SyncChange[]) : [],
  };
}
