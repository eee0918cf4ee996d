import { Type, type Static } from '@sinclair/typebox';

import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { CONTACT_STATES, contactBounds, type ContactState } from '../../domain/contact-state.js';
import { GoneError, InvalidInputError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../../domain/list-cursor.js';
import type { ListSortColumn, SortValue } from '../../store/repositories/device-list-queries.js';
import type { DeviceListFilter, SortOrder } from '../../store/repositories/devices.js';
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
/** Maximum length of search text, as the route's query schema allows. */
export const MAX_SEARCH_LENGTH = 100;
// A cursor carries a device id or model as its sort value, and a record
// id. Agents report these values far shorter than this.
const MAX_CURSOR_TEXT = 512;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * How long a cursor of a list sorted by a changing column (last contact,
 * battery, model) stays readable. A person paging through a fleet list
 * spends minutes, not hours, on it, and the change log grows meanwhile.
 */
export const SNAPSHOT_TTL_MS = 15 * 60_000;

// The change log is stamped by the database's clock and read by Outpost's.
// This margin covers the difference between the two on separate machines.
const CLOCK_MARGIN_MS = 60_000;

// Purging reads the oldest change-log rows, so a list request does it at most once a minute.
const PURGE_INTERVAL_MS = 60_000;

const SORT_COLUMNS: Record<DeviceSort, ListSortColumn> = {
  deviceId: 'device_id',
  enrolledAt: 'enrolled_at',
  lastContact: 'last_contact_at',
  model: 'model',
  battery: 'battery_level',
};

// Sorts by columns that never change page by plain keyset; the others read devices as of the first page.
const STABLE_SORTS: ReadonlySet<DeviceSort> = new Set(['deviceId', 'enrolledAt']);

const SortSchema = Type.Union(DEVICE_SORTS.map((sort) => Type.Literal(sort)));
const OrderSchema = Type.Union([Type.Literal('asc'), Type.Literal('desc')]);
const NullableText = Type.Union([Type.String(), Type.Null()]);
// The cursor is plain base64 JSON that a client can edit, so every field
// is bounded: values out of a column's range would fail the SQL with a 500.
const SAFE_INTEGER = Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER });
const ListSchema = {
  sort: SortSchema,
  order: OrderSchema,
  search: Type.Union([Type.String({ maxLength: MAX_SEARCH_LENGTH }), Type.Null()]),
  orgUnitId: Type.Optional(NullableText),
  dhis2UserId: Type.Optional(NullableText),
  contactState: Type.Optional(Type.Union([...CONTACT_STATES.map((state) => Type.Literal(state)), Type.Null()])),
};
const SortValueSchema = Type.Union([Type.String({ maxLength: MAX_CURSOR_TEXT }), SAFE_INTEGER, Type.Null()]);

const DeviceCursorSchema = Type.Union([
  Type.Object(
    { ...ListSchema, kind: Type.Literal('keyset'), value: SortValueSchema, id: Type.String({ maxLength: MAX_CURSOR_TEXT }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...ListSchema,
      kind: Type.Literal('asOf'),
      value: SortValueSchema,
      id: Type.String({ maxLength: MAX_CURSOR_TEXT }),
      changeSeq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
      createdAt: SAFE_INTEGER,
    },
    { additionalProperties: false },
  ),
]);
type DeviceCursor = Static<typeof DeviceCursorSchema>;

// Time of the last purge, per server context so test servers do not share it.
const lastPurgeAt = new WeakMap<AppContext, number>();

/**
 * Lists devices a page at a time by keyset pagination on (sort value, id).
 * Paging never skips or repeats a device while devices keep reporting:
 * sorts by changing columns order each device by its value as of the first
 * page, which the change log keeps for devices updated since.
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
  const after = cursor === null ? null : { value: cursor.value, id: cursor.id };

  const position = STABLE_SORTS.has(list.sort) ? null : await listPosition(ctx, cursor);
  const rows = await ctx.store.devices.listPage({
    sort: SORT_COLUMNS[list.sort],
    order: list.order,
    search: list.search,
    filter,
    after,
    limit: limit + 1,
    asOfChange: position?.changeSeq ?? null,
  });

  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  let nextCursor: string | null = null;
  if (rows.length > limit && last) {
    const state = position === null ? { kind: 'keyset' as const } : { kind: 'asOf' as const, ...position };
    nextCursor = encodeCursor({ ...list, ...state, value: last.sort_value, id: last.id });
  }
  return { items: page.map((row) => toDeviceSummary(ctx, row)), nextCursor };
}

/**
 * Returns the change-log position a changing-sort list reads devices at:
 * the cursor's, or a new one for a first page. Rejects expired cursors,
 * whose change-log rows may be purged.
 */
async function listPosition(ctx: AppContext, cursor: DeviceCursor | null): Promise<{ changeSeq: number; createdAt: number }> {
  const now = ctx.now();
  if (cursor?.kind === 'asOf') {
    if (now - cursor.createdAt > SNAPSHOT_TTL_MS) {
      throw new GoneError(
        'cursor_expired',
        `The list cursor is older than ${SNAPSHOT_TTL_MS / 60_000} minutes and has expired. Load the list again from the first page.`,
      );
    }
    return { changeSeq: cursor.changeSeq, createdAt: cursor.createdAt };
  }

  await purgeExpiredChanges(ctx, now);
  const changeSeq = await ctx.store.devices.openChangeLog(now + SNAPSHOT_TTL_MS + CLOCK_MARGIN_MS);
  return { changeSeq, createdAt: now };
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
  // The bounds follow each request's time, so each page filters by the
  // contact state at its own request.
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
  if (!sortValueFits(cursor.sort, cursor.value)) {
    throw new InvalidInputError('The cursor is not one this list returned. Pass nextCursor from the previous page unchanged.', 'query.cursor');
  }
  if (STABLE_SORTS.has(cursor.sort) !== (cursor.kind === 'keyset')) {
    throw new InvalidInputError('The cursor is not one this list returned. Pass nextCursor from the previous page unchanged.', 'query.cursor');
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

/** Checks that a cursor's sort value has the type and range of its sort column. */
function sortValueFits(sort: DeviceSort, value: string | number | null): boolean {
  if (value === null) return true;
  if (sort === 'deviceId' || sort === 'model') return typeof value === 'string';
  if (typeof value !== 'number') return false;
  // battery_level is a 32-bit integer column on PostgreSQL.
  return sort !== 'battery' || (value >= INT32_MIN && value <= INT32_MAX);
}

async function purgeExpiredChanges(ctx: AppContext, now: number): Promise<void> {
  if (now - (lastPurgeAt.get(ctx) ?? Number.NEGATIVE_INFINITY) < PURGE_INTERVAL_MS) return;
  lastPurgeAt.set(ctx, now);

  const purged = await ctx.store.devices.purgeListSnapshots(now - SNAPSHOT_TTL_MS - CLOCK_MARGIN_MS);
  if (purged > 0) ctx.logger.debug({ rows: purged }, 'expired device list changes purged');
}
