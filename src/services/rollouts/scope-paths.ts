import type { AppContext } from '../../context.js';

/** Returns the paths of the given org units, by id; unknown ids are left out. */
export async function loadOrgUnitPaths(ctx: AppContext, orgUnitIds: readonly string[]): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const id of new Set(orgUnitIds)) {
    const unit = await ctx.store.orgUnits.findById(id);
    if (unit) paths.set(id, unit.path);
  }
  return paths;
}
