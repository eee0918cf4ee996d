import { scopeOf, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { pathInScope, type DeviceScopeFilter } from '../../store/device-scope-filter.js';

/**
 * Returns the one device filter of a caller's org-unit scope, null for the
 * whole fleet. Every service that lists, counts, exports, maps or selects
 * devices passes it to the repository, which turns it into SQL
 * (deviceInScope). Single devices are checked with pathVisibleTo or
 * orgUnitVisibleTo.
 */
export function deviceScopeFilter(caller: Caller): DeviceScopeFilter {
  const scope = scopeOf(caller);
  if (scope.kind === 'fleet') return null;

  const paths = scope.units.flatMap((unit) => (unit.path === null ? [] : [unit.path]));
  return { paths };
}

/** Tests whether the caller may see a device with this org unit path, null for a device without a unit. */
export function pathVisibleTo(caller: Caller, orgUnitPath: string | null): boolean {
  return pathInScope(deviceScopeFilter(caller), orgUnitPath);
}

/** Tests whether the caller may see a device in this org unit, or without one when `orgUnitId` is null. */
export async function orgUnitVisibleTo(ctx: AppContext, caller: Caller, orgUnitId: string | null): Promise<boolean> {
  const filter = deviceScopeFilter(caller);
  if (filter === null) return true;
  if (orgUnitId === null) return false;

  const unit = await ctx.store.orgUnits.findById(orgUnitId);
  return pathInScope(filter, unit?.path ?? null);
}

/** Keeps the items whose org unit the caller may see, reading each unit's path once. */
export async function keepVisible<T>(
  ctx: AppContext,
  caller: Caller,
  items: readonly T[],
  orgUnitOf: (item: T) => string | null,
): Promise<T[]> {
  const filter = deviceScopeFilter(caller);
  if (filter === null) return [...items];

  const paths = new Map<string, string | null>();
  const kept: T[] = [];
  for (const item of items) {
    const unitId = orgUnitOf(item);
    if (unitId === null) continue;
    if (!paths.has(unitId)) paths.set(unitId, (await ctx.store.orgUnits.findById(unitId))?.path ?? null);
    if (pathInScope(filter, paths.get(unitId) ?? null)) kept.push(item);
  }
  return kept;
}

/**
 * Keeps the device record ids the caller may see, in their order. Rollouts
 * and pins name pilot devices by id, and a scoped caller must not learn the
 * ids of devices outside the scope from them.
 */
export async function visibleDevicePks(ctx: AppContext, caller: Caller, devicePks: readonly string[]): Promise<string[]> {
  if (deviceScopeFilter(caller) === null) return [...devicePks];

  const visible: string[] = [];
  for (const pk of devicePks) {
    const device = await ctx.store.devices.findByPk(pk);
    if (device && (await orgUnitVisibleTo(ctx, caller, device.org_unit_id))) visible.push(pk);
  }
  return visible;
}
