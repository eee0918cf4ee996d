import type { Db } from '../database.js';
import type { OrgUnitRow } from '../schema.js';

/** Organisation units: the DHIS2 hierarchy, or local units without DHIS2. */
export class OrgUnitRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<OrgUnitRow | undefined> {
    return this.db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<OrgUnitRow[]> {
    return this.db.selectFrom('org_units').selectAll().orderBy('path').execute();
  }

  /** Inserts a unit under its parent, deriving path and level from the parent. */
  async insert(unit: { id: string; name: string; parentId: string | null }, now = Date.now()): Promise<void> {
    const parent = unit.parentId ? await this.findById(unit.parentId) : undefined;
    if (unit.parentId && !parent) throw new Error(`Parent org unit ${unit.parentId} not found`);

    await this.db
      .insertInto('org_units')
      .values({
        id: unit.id,
        name: unit.name,
        parent_id: unit.parentId,
        path: `${parent?.path ?? '/'}${unit.id}/`,
        level: (parent?.level ?? 0) + 1,
        created_at: now,
      })
      .execute();
  }
}
