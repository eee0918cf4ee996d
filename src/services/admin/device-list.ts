import { Type, type Static } from '@sinclair/typebox';

import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { CONTACT_STATES, contactBounds, type ContactState } from '../../domain/contact-state.js';
import { GoneError, InvalidInputError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../../domain/list-cursor.js';
import { newToken } from '../../store/ids.js';
import type {
  ChangingSortColumn,
  DeviceListFilter,
  DeviceListRow,
  SortOrder,
  StableSortColumn,
} from '../../store/repositories/devices.js';
import { loadContactThresholds } from './contact-state.js';
import { deviceScopeFilter } from './device-scope.js';
import { toDeviceSummary, type DeviceSummary } from './device-view.js';

export const DEVICE_SORTS = ['deviceId', 'lastContact', 'enrolledAt', 'model', 'battery'] as const;
export type DeviceSort = (typeof DEVICE_SORTS)[number];

export interface DeviceListQuery {
  search?: string;
  sort?: DeviceSort;
  order?: SortOrder;
  limit?: number;
  cursor?: string;
  /** Only devices in this org unit's subtree. */
  orgUnitId?: string;
  /** Only devices assigned to this DHIS2 user uid. */
  dhis2UserId?: string;
  /** Only devices in this contact state at the time of the request. */
  contactState?: ContactState;
}

export const DEVICE_PAGE_DEFAULT = 50;

/**
 * How long a list snapshot stays readable. A person paging through a fleet
 * list spends minutes, not hours, on it, and the rows take space meanwhile.
 */
export const SNAPSHOT_TTL_MS = 15 * 60_000;

// Purging scans the snapshot table, so it runs at most once a minute.
const SNAPSHOT_PURGE_INTERVAL_MS = 60_000;

const STABLE_COLUMNS: Partial<Record<DeviceSort, StableSortColumn>> = { deviceId: 'device_id', enrolledAt: 'enrolled_at' };
const CHANGING_COLUMNS: Partial<Record<DeviceSort, ChangingSortColumn>> = {
  lastContact: 'last_contact_at',
  model: 'model',
  battery: 'battery_level',
};

const SortSchema = Type.Union(DEVICE_SORTS.map((sort) => Type.Literal(sort)));
const OrderSchema = Type.Union([Type.Literal('asc'), Type.Literal('desc')]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
const ListSchema = {
  sort: SortSchema,
  order: OrderSchema,
  search: NullableText,
  orgUnitId: Type.Optional(NullableText),
  dhis2UserId: Type.Optional(NullableText),
  contactState: Type.Optional(Type.Union([...CONTACT_STATES.map((state) => Type.Literal(state)), Type.Null()])),
};

const DeviceCursorSchema = Type.Union([
  Type.Object(
    { ...ListSchema, kind: Type.Literal('keyset'), value: Type.Union([Type.String(), Type.Integer()]), id: Type.String() },
    { additionalProperties: false },
  ),
  Type.Object(
    { ...ListSchema, kind: Type.Literal('snapshot'), snapshotId: Type.String(), position: Type.Integer(), createdAt: Type.Integer() },
    { additionalProperties: false },
  ),
]);
type DeviceCursor = Static<typeof DeviceCursorSchema>;

// Time of the last purge, per server context so test servers do not share it.
const lastPurgeAt = new WeakMap<AppContext, number>();

/**
 * Lists devices a page at a time. Paging never skips or repeats a device
 * while devices keep reporting: orders by immutable columns use keyset
 * pagination, and orders by changing columns read a snapshot of the order
 * taken on the first page.
 */
export async function listDevices(
  ctx: AppContext,
  caller: Caller,
  query: DeviceListQuery,
): Promise<{ items: DeviceSummary[]; nextCursor: string | null }> {
  requireRole(caller, 'viewer');

  const cursor = query.cursor === undefined ? null : decodeCursor(DeviceCursorSchema, query.cursor);
  const list = cursor ? listOfCursor(cursor, query) : listOfQuery(query);
  const limit = query.limit ?? DEVICE_PAGE_DEFAULT;
  const filter = await listFilter(ctx, caller, list);

  const stableColumn = STABLE_COLUMNS[list.sort];
  if (stableColumn) {
    const after = cursor?.kind === 'keyset' ? { value: cursor.value, id: cursor.id } : null;
    return listByKeyset(ctx, list, filter, stableColumn, after, limit);
  }

  const snapshot = cursor?.kind === 'snapshot' ? cursor : await createSnapshot(ctx, list, filter);
  return listFromSnapshot(ctx, list, filter, snapshot, limit);
}

interface ListParameters {
  sort: DeviceSort;
  order: SortOrder;
  search: string | null;
  orgUnitId?: string | null;
  dhis2UserId?: string | null;
  contactState?: ContactState | null;
}

function listOfQuery(query: DeviceListQuery): ListParameters {
  const search = query.search?.trim() ?? '';
  return {
    sort: query.sort ?? 'deviceId',
    order: query.order ?? 'asc',
    search: search === '' ? null : search,
    orgUnitId: query.orgUnitId ?? null,
    dhis2UserId: query.dhis2UserId ?? null,
    contactState: query.contactState ?? null,
  };
}

/**
 * Combines the caller's scope with the list's own filters. An org unit that
 * does not exist filters every device out rather than failing, like a search
 * that matches nothing, so a unit outside the scope reveals nothing either.
 */
async function listFilter(ctx: AppContext, caller: Caller, list: ListParameters): Promise<DeviceListFilter> {
  const filter: DeviceListFilter = { scope: deviceScopeFilter(caller), dhis2UserId: list.dhis2UserId ?? null };
  if (list.orgUnitId) {
    const unit = await ctx.store.orgUnits.findById(list.orgUnitId);
    filter.subtree = { paths: unit ? [unit.path] : [] };
  }

  // Loading the thresholds also refreshes the ones toDeviceSummary uses.
  // The bounds follow each request's time, so a keyset page filters by the
  // state at its own request, while a snapshot keeps the devices that
  // matched when it was taken.
  const thresholds = await loadContactThresholds(ctx);
  if (list.contactState) filter.contact = { state: list.contactState, ...contactBounds(ctx.now(), thresholds) };
  return filter;
}

/** Device-list filters that select the devices of a bulk action. */
export type DeviceSelectionFilters = Pick<DeviceListQuery, 'search' | 'orgUnitId' | 'dhis2UserId' | 'contactState'>;

/**
 * Returns the record ids of the devices the caller's device list shows for
 * these filters, in device-id order, at most `limit`.
 */
export async function selectDevicePks(
  ctx: AppContext,
  caller: Caller,
  filters: DeviceSelectionFilters,
  limit: number,
): Promise<string[]> {
  requireRole(caller, 'viewer');
  const list = listOfQuery(filters);
  const filter = await listFilter(ctx, caller, list);
  const rows = await ctx.store.devices.listPageByStableKey({ sort: 'device_id', order: 'asc', search: list.search, after: null, limit, filter });
  return rows.map((row) => row.id);
}

/** Takes the list parameters from the cursor; a query that contradicts it is rejected. */
function listOfCursor(cursor: DeviceCursor, query: DeviceListQuery): ListParameters {
  const requested = {
    sort: query.sort,
    order: query.order,
    search: query.search?.trim(),
    orgUnitId: query.orgUnitId,
    dhis2UserId: query.dhis2UserId,
    contactState: query.contactState,
  };

  for (const key of ['sort', 'order', 'search', 'orgUnitId', 'dhis2UserId', 'contactState'] as const) {
    const value = requested[key];
    if (value !== undefined && value !== (cursor[key] ?? '')) {
      throw new InvalidInputError(
        `The query parameter ${key} differs from the list the cursor belongs to. ` +
          'Pass the cursor with the same sort, order, search and filters, or omit cursor to start a new list.',
        `query.${key}`,
      );
    }
  }
  return {
    sort: cursor.sort,
    order: cursor.order,
    search: cursor.search,
    orgUnitId: cursor.orgUnitId ?? null,
    dhis2UserId: cursor.dhis2UserId ?? null,
    contactState: cursor.contactState ?? null,
  };
}

async function listByKeyset(
  ctx: AppContext,
  list: ListParameters,
  filter: DeviceListFilter,
  column: StableSortColumn,
  after: { value: string | number; id: string } | null,
  limit: number,
) {
  const rows = await ctx.store.devices.listPageByStableKey({
    sort: column,
    order: list.order,
    search: list.search,
    after,
    limit: limit + 1,
    filter,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];

  let nextCursor: string | null = null;
  if (rows.length > limit && last) {
    nextCursor = encodeCursor({ ...list, kind: 'keyset', value: stableValue(last, column), id: last.id });
  }
  return { items: page.map((row) => toDeviceSummary(ctx, row)), nextCursor };
}

function stableValue(row: DeviceListRow, column: StableSortColumn): string | number {
  return column === 'device_id' ? row.device_id : row.enrolled_at;
}

type SnapshotCursor = Extract<DeviceCursor, { kind: 'snapshot' }>;

async function createSnapshot(ctx: AppContext, list: ListParameters, filter: DeviceListFilter): Promise<SnapshotCursor> {
  const now = ctx.now();
  await purgeExpiredSnapshots(ctx, now);

  const column = CHANGING_COLUMNS[list.sort];
  if (!column) throw new Error(`No snapshot column for sort ${list.sort}`);

  const snapshotId = newToken();
  await ctx.store.devices.createListSnapshot({ snapshotId, sort: column, order: list.order, search: list.search, now, filter });
  return { ...list, kind: 'snapshot', snapshotId, position: 0, createdAt: now };
}

async function listFromSnapshot(
  ctx: AppContext,
  list: ListParameters,
  filter: DeviceListFilter,
  snapshot: SnapshotCursor,
  limit: number,
) {
  if (ctx.now() - snapshot.createdAt > SNAPSHOT_TTL_MS) {
    throw new GoneError(
      'cursor_expired',
      `The list cursor is older than ${SNAPSHOT_TTL_MS / 60_000} minutes and has expired. Load the list again from the first page.`,
    );
  }

  // The scope applies again on every page, so a cursor handed to another user shows only that user's devices.
  const rows = await ctx.store.devices.listSnapshotPage(snapshot.snapshotId, snapshot.position, limit + 1, filter.scope);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];

  if (rows.length <= limit) {
    // A single-page list never handed out a cursor, so nothing can read its
    // snapshot again. Later last pages keep theirs until the purge, so that a
    // retried request still gets its page.
    if (snapshot.position === 0) await ctx.store.devices.deleteListSnapshot(snapshot.snapshotId);
    return { items: page.map((row) => toDeviceSummary(ctx, row)), nextCursor: null };
  }

  const nextCursor = last ? encodeCursor({ ...snapshot, ...list, position: last.position }) : null;
  return { items: page.map((row) => toDeviceSummary(ctx, row)), nextCursor };
}

async function purgeExpiredSnapshots(ctx: AppContext, now: number): Promise<void> {
  if (now - (lastPurgeAt.get(ctx) ?? Number.NEGATIVE_INFINITY) < SNAPSHOT_PURGE_INTERVAL_MS) return;
  lastPurgeAt.set(ctx, now);

  const purged = await ctx.store.devices.purgeListSnapshots(now - SNAPSHOT_TTL_MS);
  if (purged > 0) ctx.logger.debug({ rows: purged }, 'expired device list snapshots purged');
}
