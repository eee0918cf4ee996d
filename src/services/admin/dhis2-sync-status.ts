import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { readStoredConnection } from './dhis2-connection.js';
import { SYNC_LEASE_MS } from './dhis2-sync.js';
import { toSyncRunView, type SyncRunView } from './dhis2-sync-view.js';

export const DHIS2_SYNC_SETTINGS_KEY = 'dhis2.sync';

// An hour finds a disabled health worker the same morning, and DHIS2
// returns an incremental run's few small pages quickly.
export const DEFAULT_SYNC_INTERVAL_MINUTES = 60;
// More often than every 15 minutes loads DHIS2 for no gain: users and
// units change a few times a day.
export const MIN_SYNC_INTERVAL_MINUTES = 15;
export const MAX_SYNC_INTERVAL_MINUTES = 7 * 24 * 60;
const MAX_RUNS_LISTED = 200;

export interface Dhis2SyncSettings {
  /** Run on a schedule; a manual sync works either way. */
  enabled: boolean;
  intervalMinutes: number;
}

export interface Dhis2SyncStatus {
  configured: boolean;
  settings: Dhis2SyncSettings;
  running: SyncRunView | null;
  lastSucceeded: SyncRunView | null;
  /** When the schedule runs next, or null when it is off or nothing is configured. */
  nextRunAt: number | null;
  totals: { units: number; users: number };
}

export async function readSyncSettings(ctx: AppContext): Promise<Dhis2SyncSettings> {
  const stored = await ctx.store.settings.get<Partial<Dhis2SyncSettings>>(DHIS2_SYNC_SETTINGS_KEY);
  return { enabled: stored?.enabled ?? true, intervalMinutes: stored?.intervalMinutes ?? DEFAULT_SYNC_INTERVAL_MINUTES };
}

export async function saveSyncSettings(ctx: AppContext, caller: Caller, input: Dhis2SyncSettings): Promise<Dhis2SyncSettings> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing the DHIS2 sync schedule');
  if (!Number.isInteger(input.intervalMinutes) || input.intervalMinutes < MIN_SYNC_INTERVAL_MINUTES || input.intervalMinutes > MAX_SYNC_INTERVAL_MINUTES) {
    throw new InvalidInputError(
      `Invalid interval ${input.intervalMinutes}: give whole minutes from ${MIN_SYNC_INTERVAL_MINUTES} to ${MAX_SYNC_INTERVAL_MINUTES} (a week).`,
      'body.intervalMinutes',
    );
  }

  const now = ctx.now();
  const settings = { enabled: input.enabled, intervalMinutes: input.intervalMinutes };
  await ctx.store.settings.set(DHIS2_SYNC_SETTINGS_KEY, settings, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'dhis2.sync.settings', targetType: 'setting', targetId: DHIS2_SYNC_SETTINGS_KEY, details: { ...settings } },
    now,
  );
  return settings;
}

export async function getSyncStatus(ctx: AppContext, caller: Caller): Promise<Dhis2SyncStatus> {
  requireRole(caller, 'viewer');

  const settings = await readSyncSettings(ctx);
  const configured = (await readStoredConnection(ctx)) !== undefined;
  const [latest] = await ctx.store.dhis2SyncRuns.list(1);
  const lastSucceeded = await ctx.store.dhis2SyncRuns.lastSucceeded();

  return {
    configured,
    settings,
    // A running row without progress for a lease length belongs to a process that died.
    running: latest && latest.state === 'running' && ctx.now() - Number(latest.heartbeat_at) < SYNC_LEASE_MS ? toSyncRunView(latest) : null,
    lastSucceeded: lastSucceeded ? toSyncRunView(lastSucceeded) : null,
    nextRunAt: configured && settings.enabled ? await nextScheduledRun(ctx, settings) : null,
    totals: { units: await ctx.store.orgUnits.countSynced(), users: await ctx.store.dhis2Directory.countUsers() },
  };
}

/** When the schedule should run next: an interval after the last run began, or now when none ran. */
export async function nextScheduledRun(ctx: AppContext, settings: Dhis2SyncSettings): Promise<number> {
  const [latest] = await ctx.store.dhis2SyncRuns.list(1);
  return latest ? Number(latest.started_at) + settings.intervalMinutes * 60_000 : ctx.now();
}

export async function listSyncRuns(ctx: AppContext, caller: Caller, limit = 50): Promise<SyncRunView[]> {
  requireRole(caller, 'viewer');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUNS_LISTED) {
    throw new InvalidInputError(`Invalid limit ${limit}: give 1 to ${MAX_RUNS_LISTED}.`, 'query.limit');
  }
  return (await ctx.store.dhis2SyncRuns.list(limit)).map((row) => toSyncRunView(row));
}

export async function getSyncRun(ctx: AppContext, caller: Caller, id: string): Promise<SyncRunView> {
  requireRole(caller, 'viewer');
  const row = await ctx.store.dhis2SyncRuns.find(id);
  if (!row) throw new NotFoundError(`DHIS2 sync run ${id} was not found; list the runs to see their ids.`, 'params.id');
  return toSyncRunView(row);
}
