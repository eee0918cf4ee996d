import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { Dhis2Error } from '../../dhis2/errors.js';
import type { RemoteOrgUnit, RemoteUser } from '../../dhis2/remote.js';
import { fetchSnapshot } from '../../dhis2/sync-fetch.js';
import { ConflictError } from '../../domain/errors.js';
import { JobLeases } from '../../jobs/lease.js';
import { newId } from '../../store/ids.js';
import { createStore, type Store } from '../../store/store.js';
import { loadDhis2Client } from './dhis2-connection.js';
import { applyDirectoryToShadowUsers } from './dhis2-shadow-users.js';
import { applySnapshot } from './dhis2-sync-apply.js';
import { recomputeAllEffectivePolicies } from './org-unit-policy-resolution.js';
import { toSyncRunView, type SyncRunView } from './dhis2-sync-view.js';

/** Lease that lets one sync run at a time across every Outpost process. */
export const SYNC_LEASE = 'dhis2-sync-run';
// A run renews its lease every minute; five minutes without renewal means
// its process died, and another run may start.
export const SYNC_LEASE_MS = 5 * 60_000;
const LEASE_RENEW_MS = 60_000;
// Incremental runs cannot see everything (a membership edited from the
// group side, a unit moved under a closed parent), so one run a day reads
// the whole tree again.
export const FULL_SYNC_EVERY_MS = 24 * 60 * 60_000;
// Progress rows are written at most this often, so that a fast run does not
// spend its time updating its own progress.
const PROGRESS_WRITE_MS = 500;

export interface SyncRequest {
  trigger: 'manual' | 'schedule';
  actor: string;
  /** Read everything even when an incremental run would do. */
  full?: boolean;
  signal?: AbortSignal;
}

const inFlight = new Set<Promise<unknown>>();
// Aborts the background syncs of one server when it shuts down.
const shutdownSignals = new WeakMap<AppContext, AbortController>();

/** Resolves when every sync this process started in the background has ended; tests await it. */
export async function waitForDhis2Syncs(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

/**
 * Stops the background syncs started through `ctx` and waits until each has
 * recorded its run as failed, so shutdown leaves no run marked running and
 * closes the database only after their last write.
 */
export async function stopDhis2Syncs(ctx: AppContext): Promise<void> {
  shutdownSignals.get(ctx)?.abort();
  await waitForDhis2Syncs();
}

function shutdownSignal(ctx: AppContext): AbortSignal {
  let controller = shutdownSignals.get(ctx);
  if (!controller || controller.signal.aborted) {
    controller = new AbortController();
    shutdownSignals.set(ctx, controller);
  }
  return controller.signal;
}

/** Starts a sync in the background and returns its run at once; the console polls it for progress. */
export async function startDhis2Sync(ctx: AppContext, caller: Caller, options: { full?: boolean } = {}): Promise<SyncRunView> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Synchronising with DHIS2');

  const started = await beginRun(ctx, { trigger: 'manual', actor: caller.username, full: options.full });
  await ctx.store.audit.record(
    { actor: caller.username, action: 'dhis2.sync.start', targetType: 'dhis2_sync_run', targetId: started.runId, details: { full: options.full ?? false } },
    ctx.now(),
  );

  const work = finishRun(ctx, started, shutdownSignal(ctx))
    .catch((error: unknown) => ctx.logger.error({ err: error, dhis2SyncRun: started.runId }, 'dhis2 sync could not record its end'))
    .finally(() => inFlight.delete(work));
  inFlight.add(work);
  const row = await ctx.store.dhis2SyncRuns.find(started.runId);
  return toSyncRunView(row!);
}

/** Runs a whole sync and returns its finished run; the scheduled job calls it. */
export async function runDhis2Sync(ctx: AppContext, request: SyncRequest): Promise<SyncRunView> {
  const started = await beginRun(ctx, request);
  await finishRun(ctx, started, request.signal);
  const row = await ctx.store.dhis2SyncRuns.find(started.runId);
  return toSyncRunView(row!);
}

interface StartedRun {
  runId: string;
  since: string | null;
}

async function beginRun(ctx: AppContext, request: SyncRequest): Promise<StartedRun> {
  // Fails early, before taking the lease, when nothing is configured.
  await loadDhis2Client(ctx);

  const now = ctx.now();
  const runId = newId();
  const leases = new JobLeases(ctx.store.db);
  if (!(await leases.acquire(SYNC_LEASE, runId, SYNC_LEASE_MS, now))) {
    throw new ConflictError('dhis2_sync_running', 'A DHIS2 sync is already running. Follow its progress on the DHIS2 sync page and start another when it ends.');
  }
  await ctx.store.dhis2SyncRuns.failStale(now - SYNC_LEASE_MS, now);

  const since = await incrementalStart(ctx.store, now, request.full ?? false);
  await ctx.store.dhis2SyncRuns.start({ id: runId, trigger: request.trigger, actor: request.actor, mode: since ? 'incremental' : 'full', startedAt: now });
  return { runId, since };
}

/** The DHIS2 time to read changes after, or null when this run must read everything. */
async function incrementalStart(store: Store, now: number, full: boolean): Promise<string | null> {
  if (full) return null;
  const lastFull = await store.dhis2SyncRuns.lastSucceeded('full');
  if (!lastFull || now - Number(lastFull.started_at) > FULL_SYNC_EVERY_MS) return null;
  const last = await store.dhis2SyncRuns.lastSucceeded();
  return last?.cutoff ?? null;
}

async function finishRun(ctx: AppContext, run: StartedRun, signal?: AbortSignal): Promise<void> {
  const leases = new JobLeases(ctx.store.db);
  const renewal = setInterval(() => void leases.renew(SYNC_LEASE, run.runId, SYNC_LEASE_MS, ctx.now()).catch(() => undefined), LEASE_RENEW_MS);
  renewal.unref();
  const logger = ctx.logger.child({ dhis2SyncRun: run.runId });
  let warnings: string[] = [];

  try {
    const { client } = await loadDhis2Client(ctx, signal);
    const known = await loadKnown(ctx.store);
    let lastWrite = 0;
    const snapshot = await fetchSnapshot(client, { since: run.since, knownUnits: known.units, knownUsers: known.users }, async (phase, done, total) => {
      const at = ctx.now();
      if (at - lastWrite < PROGRESS_WRITE_MS && done !== total) return;
      lastWrite = at;
      await ctx.store.dhis2SyncRuns.progress(run.runId, { phase, done, total }, at);
    });
    warnings = snapshot.warnings;
    await ctx.store.dhis2SyncRuns.progress(run.runId, { phase: 'saving', dhis2Version: snapshot.version.text }, ctx.now());

    const now = ctx.now();
    const result = await ctx.store.db.transaction().execute(async (trx) => {
      const store = createStore(trx);
      const applied = await applySnapshot(store, snapshot, now);
      await store.dhis2SyncRuns.succeed(run.runId, { counts: applied.counts, cutoff: snapshot.cutoff, warnings, changes: applied.changes }, now);
      return applied;
    });
    logger.info({ counts: result.counts, mode: run.since ? 'incremental' : 'full' }, 'dhis2 sync finished');
    // A moved or removed unit changes which org-unit policies lie on a device's path.
    // The run has succeeded by now, so a failure here is logged, not reported as a failed run.
    if (result.counts.units_changed + result.counts.units_removed > 0) {
      await recomputeAllEffectivePolicies(ctx).catch((error: unknown) => logger.error({ err: error }, 'effective policies not recomputed after dhis2 sync'));
    }
    await applyDirectoryToShadowUsers(ctx, ctx.now()).catch((error: unknown) => logger.error({ err: error }, 'dhis2 sign-in users not updated after dhis2 sync'));
  } catch (error) {
    const message = signal?.aborted
      ? 'The sync was stopped before it finished, because Outpost shut down or another process took over the sync.'
      : error instanceof Dhis2Error || error instanceof ConflictError
        ? error.message
        : `Outpost failed while saving: ${(error as Error).message}`;
    logger.warn({ err: error instanceof Dhis2Error ? { kind: error.kind, message: error.message } : error }, 'dhis2 sync failed');
    await ctx.store.dhis2SyncRuns.fail(run.runId, `${message} Nothing of this run was saved; the data of the last good sync stays.`, warnings, ctx.now());
  } finally {
    clearInterval(renewal);
    await leases.release(SYNC_LEASE, run.runId).catch(() => undefined);
  }
}

/** Loads the units and users stored from DHIS2, in the shape DHIS2 returns, for incremental runs. */
async function loadKnown(store: Store): Promise<{ units: Map<string, RemoteOrgUnit>; users: Map<string, RemoteUser> }> {
  const units = new Map<string, RemoteOrgUnit>();
  for (const row of await store.orgUnits.listForSync()) {
    if (row.source !== 'dhis2' || row.removed_at !== null) continue;
    units.set(row.id, { id: row.id, name: row.name, parentId: row.parent_id, path: row.path.replace(/\/$/, '') });
  }
  const users = new Map<string, RemoteUser>();
  for (const [id, user] of await store.dhis2Directory.loadUsers()) {
    if (!user.removed) users.set(id, { ...user, orgUnitIds: [...user.orgUnitIds] });
  }
  return { units, users };
}
