import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { newId } from '../../store/ids.js';
import type { OrgUnitRow } from '../../store/schema.js';
import { orgUnitVisibleTo } from './device-scope.js';

export interface OrgUnitView {
  id: string;
  name: string;
  parentId: string | null;
  path: string;
  level: number;
  createdAt: number;
}

export interface OrgUnitInput {
  id?: string;
  name: string;
  parentId?: string | null;
}

/**
 * Ids become segments of the unit's path ("/root/child/"), so they exclude
 * "/". DHIS2 uids are 11 letters and digits; 64 leaves room for local codes.
 */
export const ORG_UNIT_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const MAX_ORG_UNIT_NAME_LENGTH = 230;

export async function listOrgUnits(ctx: AppContext, caller: Caller): Promise<OrgUnitView[]> {
  requireRole(caller, 'viewer');

  const rows = await ctx.store.orgUnits.list();
  return rows.map(toOrgUnitView);
}

/** Creates a local org unit under an existing parent, or at the top when parentId is absent. */
export async function createOrgUnit(ctx: AppContext, caller: Caller, input: OrgUnitInput): Promise<OrgUnitView> {
  requireRole(caller, 'admin');

  const id = input.id ?? newId();
  if (!new RegExp(ORG_UNIT_ID_PATTERN).test(id)) {
    throw new InvalidInputError(`Invalid org unit id "${id}": use 1 to 64 letters, digits, "_" or "-".`, 'body.id');
  }
  const name = input.name.trim();
  if (name === '' || name.length > MAX_ORG_UNIT_NAME_LENGTH) {
    throw new InvalidInputError(`Invalid org unit name: give 1 to ${MAX_ORG_UNIT_NAME_LENGTH} characters.`, 'body.name');
  }
  if (await ctx.store.orgUnits.findById(id)) {
    throw new ConflictError('org_unit_exists', `An org unit with id ${id} already exists; choose another id or omit it.`, 'body.id');
  }
  const parentId = input.parentId ?? null;
  if (parentId !== null && !(await ctx.store.orgUnits.findById(parentId))) {
    throw new NotFoundError(`Parent org unit ${parentId} was not found. Create it first or choose one from the list.`, 'body.parentId');
  }
  // A caller limited to some org units adds units only below them.
  if (!(await orgUnitVisibleTo(ctx, caller, parentId))) {
    throw new NotFoundError(
      parentId === null
        ? 'You may add org units only below your own: give a parentId inside your scope.'
        : `Parent org unit ${parentId} lies outside the org units you may manage. Choose a parent inside your scope.`,
      'body.parentId',
    );
  }

  const now = ctx.now();
  await ctx.store.orgUnits.insert({ id, name, parentId }, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'org_unit.create', targetType: 'org_unit', targetId: id, details: { name, parentId } },
    now,
  );

  const row = await ctx.store.orgUnits.findById(id);
  if (!row) throw new Error(`Org unit ${id} vanished right after it was inserted`);
  return toOrgUnitView(row);
}

function toOrgUnitView(row: OrgUnitRow): OrgUnitView {
  return { id: row.id, name: row.name, parentId: row.parent_id, path: row.path, level: row.level, createdAt: row.created_at };
}
