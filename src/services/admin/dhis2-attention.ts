import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../domain/errors.js';
import type { AttentionDevice, AttentionUser, Counted } from '../../store/repositories/dhis2-attention.js';
import { deviceScopeFilter } from './device-scope.js';

// A page of a hundred rows per section is what a manager reads; the totals
// tell how many more there are.
export const ATTENTION_DEFAULT_LIMIT = 100;
export const ATTENTION_MAX_LIMIT = 1000;

export interface AttentionList {
  generatedAt: number;
  /** When DHIS2 data was last synced; null when never, and the DHIS2 sections are then empty. */
  lastSyncAt: number | null;
  inactiveUser: Counted<AttentionDevice>;
  severalDevices: Counted<{ userId: string; username: string | null; devices: AttentionDevice[] }>;
  noUser: Counted<AttentionDevice>;
  noDevice: Counted<AttentionUser>;
  removedUnit: Counted<AttentionDevice>;
}

export interface AttentionQuery {
  /** Limits every section to this unit's subtree, within the caller's scope. */
  orgUnitId?: string;
  limit?: number;
}

/**
 * Devices and DHIS2 users that need a look: devices of disabled or removed
 * users, users with several devices, devices without a user, users without
 * a device, and devices in units removed from DHIS2. Device sections follow
 * the caller's org-unit scope; users without a device are those of the
 * caller's units (every unit for a fleet-wide caller).
 */
export async function getAttentionList(ctx: AppContext, caller: Caller, query: AttentionQuery = {}): Promise<AttentionList> {
  requireRole(caller, 'viewer');

  const limit = query.limit ?? ATTENTION_DEFAULT_LIMIT;
  let scope = deviceScopeFilter(caller);
  if (query.orgUnitId !== undefined) {
    const unit = await ctx.store.orgUnits.findById(query.orgUnitId);
    if (!unit) throw new NotFoundError(`Org unit ${query.orgUnitId} was not found; pick one from the org unit list.`, 'query.orgUnitId');
    scope = { paths: intersectSubtree(scope === null ? null : scope.paths, unit.path) };
  }
  const userPaths = scope === null ? null : scope.paths;

  const attention = ctx.store.dhis2Attention;
  const lastSync = await ctx.store.dhis2SyncRuns.lastSucceeded();
  return {
    generatedAt: ctx.now(),
    lastSyncAt: lastSync?.finished_at === null || lastSync === undefined ? null : Number(lastSync.finished_at),
    inactiveUser: await attention.devicesWithInactiveUser(scope, limit),
    severalDevices: await attention.usersWithSeveralDevices(scope, limit),
    noUser: await attention.devicesWithoutUser(scope, limit),
    noDevice: await attention.usersWithoutDevice(userPaths, limit),
    removedUnit: await attention.devicesInRemovedUnits(scope, limit),
  };
}

/**
 * Returns the part of a scope (null: the whole tree) inside the subtree at
 * `path`: the subtree itself when the scope contains it, otherwise the
 * scope's own subtrees that lie inside it.
 */
function intersectSubtree(scopePaths: readonly string[] | null, path: string): string[] {
  if (scopePaths === null || scopePaths.some((scopePath) => path.startsWith(scopePath))) return [path];
  return scopePaths.filter((scopePath) => scopePath.startsWith(path));
}
