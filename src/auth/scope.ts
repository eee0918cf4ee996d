import type { AppContext } from '../context.js';
import type { CallerScope, ScopeUnit } from './caller.js';

/**
 * Loads a user's scope with the current path of each unit. It runs on every
 * request, so a unit a DHIS2 sync moved or removed takes effect at once.
 */
export async function loadUserScope(ctx: AppContext, userId: string): Promise<CallerScope> {
  const unitIds = await ctx.store.users.listScopeUnitIds(userId);
  if (unitIds.length === 0) return { kind: 'fleet' };

  const units: ScopeUnit[] = [];
  for (const id of unitIds) {
    const unit = await ctx.store.orgUnits.findById(id);
    units.push({ id, path: unit?.path ?? null });
  }
  return { kind: 'units', units };
}
