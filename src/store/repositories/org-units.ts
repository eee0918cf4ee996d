import type { Db } from '../database.js';
import type { OrgUnitRow, OrgUnitSource } from '../schema.js';

/** A unit as a DHIS2 sync writes it: path and level already computed. */
export interface SyncedOrgUnit {
  id: string;
  name: string;
  parentId: string | null;
  path: string;
  level: number;
}

// 500 rows of six values stay far under SQLite's and PostgreSQL's limits on
// parameters per statement.
const INSERT_BATCH = 500;

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

  /** Lists every unit with the fields a sync compares, local units too, because their paths follow DHIS2 parents. */
  async listForSync(): Promise<Pick<OrgUnitRow, 'id' | 'name' | 'parent_id' | 'path' | 'level' | 'source' | 'removed_at'>[]> {
    return this.db.selectFrom('org_units').select(['id', 'name', 'parent_id', 'path', 'level', 'source', 'removed_at']).execute();
  }

  /** Counts the units a DHIS2 sync keeps that DHIS2 still has. */
  async countSynced(): Promise<number> {
    const row = await this.db
      .selectFrom('org_units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', 'dhis2')
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insertSynced(units: readonly SyncedOrgUnit[], now: number): Promise<void> {
    for (let start = 0; start < units.length; start += INSERT_BATCH) {
      const rows = units.slice(start, start + INSERT_BATCH).map((unit) => ({
        id: unit.id,
        name: unit.name,
        parent_id: unit.parentId,
        path: unit.path,
        level: unit.level,
        created_at: now,
        source: 'dhis2' as OrgUnitSource,
        synced_at: now,
      }));
      await this.db.insertInto('org_units').values(rows).execute();
    }
  }

  /** Overwrites a unit with DHIS2's values; a unit removed earlier is back. */
  async updateSynced(unit: SyncedOrgUnit, now: number): Promise<void> {
    await this.db
      .updateTable('org_units')
      .set({ name: unit.name, parent_id: unit.parentId, path: unit.path, level: unit.level, source: 'dhis2', removed_at: null, synced_at: now })
      .where('id', '=', unit.id)
      .execute();
  }

  /** Moves a unit's path after an ancestor moved; name and source stay. */
  async updatePath(id: string, path: string, level: number): Promise<void> {
    await this.db.updateTable('org_units').set({ path, level }).where('id', '=', id).execute();
  }

  async markRemoved(ids: readonly string[], now: number): Promise<void> {
    for (let start = 0; start < ids.length; start += INSERT_BATCH) {
      await this.db
        .updateTable('org_units')
        .set({ removed_at: now })
        .where('id', 'in', ids.slice(start, start + INSERT_BATCH))
        .execute();
    }
  }
}
