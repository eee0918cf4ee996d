import { request } from './client.js';

// Shapes and calls of the /dhis2 routes (docs/dhis2.md). The token goes
// out in a save or a test and never comes back.

export interface ConnectionTest {
  ok: boolean;
  version: string | null;
  support: 'supported' | 'too_old' | 'newer' | null;
  systemName: string | null;
  user: { id: string; username: string; name: string } | null;
  message: string | null;
}

export interface Dhis2Connection {
  configured: boolean;
  baseUrl: string | null;
  tokenSet: boolean;
  timeoutSeconds: number;
  updatedAt: number | null;
  updatedBy: string | null;
  lastTest: (ConnectionTest & { at: number }) | null;
}

export interface ConnectionInput {
  baseUrl: string;
  /** Left out to keep the stored token. */
  token?: string;
  timeoutSeconds?: number;
}

export interface SyncCounts {
  added: number;
  changed: number;
  removed: number;
}

export interface SyncChange {
  kind: 'unit' | 'user' | 'group';
  change: 'added' | 'changed' | 'removed';
  id: string;
  name: string;
  detail?: string;
}

export interface SyncRun {
  id: string;
  trigger: string;
  actor: string;
  mode: 'full' | 'incremental';
  state: 'running' | 'succeeded' | 'failed';
  phase: string;
  done: number;
  total: number;
  startedAt: number;
  finishedAt: number | null;
  dhis2Version: string | null;
  units: SyncCounts;
  users: SyncCounts;
  groups: SyncCounts;
  error: string | null;
  warnings: string[];
  changes: SyncChange[];
}

export interface SyncSettings {
  enabled: boolean;
  intervalMinutes: number;
}

export interface SyncStatus {
  configured: boolean;
  settings: SyncSettings;
  running: SyncRun | null;
  lastSucceeded: SyncRun | null;
  nextRunAt: number | null;
  totals: { units: number; users: number };
}

export interface AttentionDevice {
  pk: string;
  deviceId: string;
  model: string | null;
  serial: string | null;
  orgUnitId: string | null;
  orgUnitName: string | null;
  lastContactAt: number | null;
  dhis2UserId: string | null;
  username: string | null;
  userDisabled: boolean;
  userRemoved: boolean;
}

export interface AttentionUser {
  id: string;
  username: string;
  name: string;
  lastLoginAt: number | null;
  orgUnitIds: string[];
}

export interface Counted<T> {
  total: number;
  items: T[];
}

export interface AttentionList {
  generatedAt: number;
  lastSyncAt: number | null;
  inactiveUser: Counted<AttentionDevice>;
  severalDevices: Counted<{ userId: string; username: string | null; devices: AttentionDevice[] }>;
  noUser: Counted<AttentionDevice>;
  noDevice: Counted<AttentionUser>;
  removedUnit: Counted<AttentionDevice>;
}

export type ApkEntry = Record<string, unknown> & { version?: unknown; downloadURL?: unknown; userGroups?: unknown; isDefault?: unknown };

export interface ApkChange {
  action: 'add' | 'update' | 'remove' | 'release_group';
  groupId: string;
  before: ApkEntry | null;
  after: ApkEntry | null;
  needsConfirmation: boolean;
  reason: string;
}

export interface GroupLink {
  userGroupId: string;
  rolloutId: string;
}

export interface ApkDistribution {
  settings: { writeEnabled: boolean; links: GroupLink[] };
  latestVersion: { version: string | null; downloadURL: string | null } | null;
  entries: (ApkEntry & { owner: 'outpost' | 'other' })[];
  groups: {
    id: string;
    name: string;
    members: number;
    offered: { version: string | null; downloadURL: string | null; from: 'group' | 'default' | 'latest' | 'none' };
    target: { rolloutId: string; entry: ApkEntry | null; status: string; devices: number; selected: number } | null;
  }[];
  plan: { changes: ApkChange[]; warnings: string[] };
  versionsHash: string;
  problems: string[];
}

export interface ApkWriteResult {
  written: boolean;
  applied: ApkChange[];
  awaitingConfirmation: ApkChange[];
  warnings: string[];
  versionsHash: string;
}

export const fetchConnection = () => request<Dhis2Connection>('GET', 'dhis2/connection');
export const saveConnection = (input: ConnectionInput) => request<Dhis2Connection>('PUT', 'dhis2/connection', { body: input });
export const testConnection = (input: Partial<ConnectionInput> = {}) => request<ConnectionTest>('POST', 'dhis2/connection/test', { body: input });

export const fetchSyncStatus = () => request<SyncStatus>('GET', 'dhis2/sync');
export const saveSyncSettings = (settings: SyncSettings) => request<SyncSettings>('PUT', 'dhis2/sync/settings', { body: settings });
export const startSync = (full: boolean) => request<SyncRun>('POST', 'dhis2/sync/runs', { body: { full } });
export const fetchSyncRuns = (limit = 20) => request<SyncRun[]>('GET', 'dhis2/sync/runs', { query: { limit } });
export const fetchSyncRun = (id: string) => request<SyncRun>('GET', `dhis2/sync/runs/${encodeURIComponent(id)}`);

export const fetchAttention = (orgUnitId?: string) => request<AttentionList>('GET', 'dhis2/attention', { query: { orgUnitId } });

export const fetchApkDistribution = () => request<ApkDistribution>('GET', 'dhis2/apk-distribution');
export const saveApkSettings = (settings: { writeEnabled: boolean; links: GroupLink[] }) =>
  request<{ writeEnabled: boolean; links: GroupLink[] }>('PUT', 'dhis2/apk-distribution/settings', { body: settings });
export const writeApkDistribution = (expectedHash: string, confirm: boolean) =>
  request<ApkWriteResult>('POST', 'dhis2/apk-distribution/write', { body: { expectedHash, confirm } });
