import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';

import { dialectOf, type Db, type DialectName } from '../database.js';
import { deviceInScope } from '../device-scope-filter.js';
import type { ContactStateFilter, DeviceListFilter, DeviceListRow, SortOrder } from './devices.js';

/** Device columns a list can be ordered by; the changing ones move as devices report. */
export type ListSortColumn = 'device_id' | 'enrolled_at' | 'last_contact_at' | 'battery_level' | 'model';

export type SortValue = string | number | null;

/** A list row with the value it is ordered by: for changing columns, its value as of the list's change-log position. */
export type DeviceListPageRow = DeviceListRow & { sort_value: SortValue };

export interface DeviceListPageOptions {
  sort: ListSortColumn;
  order: SortOrder;
  search: string | null;
  filter?: DeviceListFilter;
  /** The (sort value, id) of the previous page's last row; null on the first page. */
  after: { value: SortValue; id: string } | null;
  limit: number;
  /**
   * Change-log position the list started at. Devices updated since are
   * ordered by their values from before the first such update. Null orders
   * every device by its current values.
   */
  asOfChange: number | null;
}

// Columns that may be null: devices without a value come last in either order.
const NULLABLE_COLUMNS: ReadonlySet<ListSortColumn> = new Set(['last_contact_at', 'battery_level', 'model']);

/**
 * Reads one page of the device list in (sort value, id) order, nulls last.
 * With `asOfChange`, devices updated since that position are read apart, at
 * their logged values, and merged in. Every other device is read by keyset.
 */
export async function listDevicePage(db: Db, options: DeviceListPageOptions): Promise<DeviceListPageRow[]> {
  const plan = await choosePlan(db, options);
  const unchanged = await readSegments(db, options, 'current', plan);
  if (options.asOfChange === null) return unchanged;

  const changed = await readSegments(db, options, 'logged', plan);
  const merged = [...unchanged, ...changed].sort((a, b) => compareRows(a, b, options.order));
  return merged.slice(0, options.limit);
}

type Source = 'current' | 'logged';

/**
 * Plan SQLite takes for a filtered page. 'filtered' reads the matching devices
 * through the filters' indexes and sorts them; 'ordered' walks the sort
 * column's index and drops devices that do not match, until the page is
 * full. PostgreSQL chooses by its column statistics, and a list without
 * filters has one good plan, so those get 'any', which hints nothing.
 */
type Plan = 'any' | 'filtered' | 'ordered';

/**
 * Matching devices up to which a filtered page reads them all and sorts
 * them. Above it, walking the sort index finds a page within about
 * limit × fleet / matches rows: 2,550 for a page of 51 in 100,000 devices.
 * The two costs meet near sqrt(51 × 100,000) ≈ 2,260 matches.
 */
const FILTERED_PLAN_MAX_MATCHES = 2000;

/**
 * SQLite's planner reads through a filter's index whenever one exists, even
 * when a sixth of the fleet matches and sorting it costs 40-90 ms, so this
 * counts the matches (up to the limit above) and picks the plan itself.
 */
async function choosePlan(db: Db, options: DeviceListPageOptions): Promise<Plan> {
  if (dialectOf(db) === 'postgres' || !hasFilter(options)) return 'any';

  const matches =
    options.search === null ? await countFilterMatches(db, options) : await countSearchMatches(db, options, options.search);
  return matches < FILTERED_PLAN_MAX_MATCHES ? 'filtered' : 'ordered';
}

/** Counts the devices that match the filters, up to FILTERED_PLAN_MAX_MATCHES. */
async function countFilterMatches(db: Db, options: DeviceListPageOptions): Promise<number> {
  const matching = db
    .selectFrom('devices')
    .select(sql`1`.as('one'))
    .where(conditionsOf(options, 'sqlite', 'filtered'))
    .limit(FILTERED_PLAN_MAX_MATCHES);
  const row = await db
    .selectFrom(matching.as('matching'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Counts the devices that match the search and filters, up to
 * FILTERED_PLAN_MAX_MATCHES. It reads the matching terms and stops at the
 * limit. `devices.id in (...)` would first collect every match: for a word
 * of all 100,000 device ids that made the page 62 ms p95 instead of 9 ms
 * (bench/device-list.ts on SQLite).
 */
async function countSearchMatches(db: Db, options: DeviceListPageOptions, search: string): Promise<number> {
  const filters = conditionsOf({ ...options, search: null }, 'sqlite', 'filtered');
  const result = await sql<{ n: number }>`
    select count(*) as n from (
      select distinct terms.device_pk
      from device_search_terms as terms
      join devices on devices.id = terms.device_pk
      where ${termsInRange(search, 'sqlite')} and ${filters}
      limit ${FILTERED_PLAN_MAX_MATCHES}
    )`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

function hasFilter(options: DeviceListPageOptions): boolean {
  const filter = options.filter;
  if (options.search !== null) return true;
  if (filter === undefined) return false;
  return filter.scope !== null || Boolean(filter.subtree) || Boolean(filter.dhis2UserId) || Boolean(filter.contact);
}

/** Reads the non-null segment, then the null segment if the page is not full. */
async function readSegments(db: Db, options: DeviceListPageOptions, source: Source, plan: Plan): Promise<DeviceListPageRow[]> {
  const after = options.after;
  const nullable = NULLABLE_COLUMNS.has(options.sort);
  const inNullSegment = after !== null && after.value === null;

  const rows: DeviceListPageRow[] = [];
  if (!inNullSegment) rows.push(...(await readSegment(db, options, source, plan, 'values', options.limit)));
  if (nullable && rows.length < options.limit) {
    const afterId = inNullSegment ? after.id : null;
    rows.push(...(await readSegment(db, options, source, plan, 'nulls', options.limit - rows.length, afterId)));
  }
  return rows;
}

async function readSegment(
  db: Db,
  options: DeviceListPageOptions,
  source: Source,
  plan: Plan,
  segment: 'values' | 'nulls',
  limit: number,
  afterNullId: string | null = null,
): Promise<DeviceListPageRow[]> {
  const dialect = dialectOf(db);
  const table = source === 'current' ? 'devices' : 'first_change';
  let value = sortExpression(table, options.sort, dialect);
  let id = sql`${sql.ref('devices.id')}`;
  if (plan === 'filtered') {
    // A unary + keeps SQLite off the sort column's index when the filters' indexes find the devices.
    value = sql<SortValue>`+${value}`;
    id = sql`+${id}`;
  }
  const direction = sql.raw(options.order === 'asc' ? 'asc' : 'desc');
  const comparison = sql.raw(options.order === 'asc' ? '>' : '<');

  const conditions: Array<Expression<SqlBool>> = [];
  if (segment === 'values') {
    conditions.push(sql<SqlBool>`${value} is not null`);
    const after = options.after;
    if (after !== null && after.value !== null) {
      // The first comparison lets the database seek in the (column, id) index.
      const comparisonOrEqual = sql.raw(options.order === 'asc' ? '>=' : '<=');
      conditions.push(sql<SqlBool>`${value} ${comparisonOrEqual} ${after.value}`);
      conditions.push(sql<SqlBool>`(${value} ${comparison} ${after.value} or ${id} ${comparison} ${after.id})`);
    }
  } else {
    conditions.push(sql<SqlBool>`${value} is null`);
    if (afterNullId !== null) conditions.push(sql<SqlBool>`${id} ${comparison} ${afterNullId}`);
  }
  conditions.push(conditionsOf(options, dialect, plan));

  // The page's ids are chosen first and the full rows read after, so a
  // sort carries only (value, id) and not the devices' stored reports.
  const base = source === 'current' ? currentRows(db, options.asOfChange) : loggedRows(db, options.asOfChange ?? 0);
  const ordering = segment === 'values' ? sql`${value} ${direction}, ${id} ${direction}` : sql`${id} ${direction}`;
  const page = base
    .select(['devices.id as page_id', sql<SortValue>`${value}`.as('sort_value')])
    .where(sql<SqlBool>`${sql.join(conditions, sql` and `)}`)
    .orderBy(ordering)
    .limit(limit);

  const pageOrdering =
    segment === 'values' ? sql`page.sort_value ${direction}, page.page_id ${direction}` : sql`page.page_id ${direction}`;
  const rows = await db
    .selectFrom(page.as('page'))
    .innerJoin('devices', 'devices.id', 'page.page_id')
    .leftJoin('policies', 'policies.id', 'devices.policy_id')
    .leftJoin('dhis2_users', 'dhis2_users.id', 'devices.dhis2_user_id')
    .selectAll('devices')
    .select(['policies.name as policy_name', 'dhis2_users.username as dhis2_username', 'page.sort_value'])
    .orderBy(pageOrdering)
    .execute();
  return rows as DeviceListPageRow[];
}

/** Builds the search and filter conditions of a list, written so that SQLite can take only `plan`. */
function conditionsOf(options: DeviceListPageOptions, dialect: DialectName, plan: Plan): Expression<SqlBool> {
  // A unary + makes SQLite treat a column as an expression with no index.
  const column = (name: string, keepIndex = false) =>
    plan === 'ordered' && !keepIndex ? sql`+${sql.ref(`devices.${name}`)}` : sql`${sql.ref(`devices.${name}`)}`;

  const conditions: Array<Expression<SqlBool>> = [];
  if (options.search !== null) conditions.push(matchesSearch(options.search, dialect, plan));

  const filter = options.filter;
  if (filter !== undefined) {
    conditions.push(deviceInScope(filter.scope, column('org_unit_id')));
    if (filter.subtree) conditions.push(deviceInScope(filter.subtree, column('org_unit_id')));
    if (filter.dhis2UserId) conditions.push(sql<SqlBool>`${column('dhis2_user_id')} = ${filter.dhis2UserId}`);
    // The contact filter is a range on the sort column when the list is sorted by last contact.
    if (filter.contact) {
      const lastContact = column('last_contact_at', options.sort === 'last_contact_at');
      conditions.push(matchesContactState(filter.contact, lastContact));
    }
  }
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

/** Devices read at their current values; with a change-log position, only those not updated since. */
function currentRows(db: Db, asOfChange: number | null) {
  const query = db.selectFrom('devices');
  if (asOfChange === null) return query;

  return query.where(
    sql<SqlBool>`not exists (select 1 from device_sort_changes as later where later.device_pk = devices.id and later.seq > ${asOfChange})`,
  );
}

/** Devices updated since the position, each joined to its first change-log row after it. */
function loggedRows(db: Db, asOfChange: number) {
  return db
    .selectFrom('device_sort_changes as first_change')
    .innerJoin('devices', 'devices.id', 'first_change.device_pk')
    .where('first_change.seq', '>', asOfChange)
    .where(
      sql<SqlBool>`not exists (select 1 from device_sort_changes as earlier
        where earlier.device_pk = first_change.device_pk and earlier.seq > ${asOfChange} and earlier.seq < first_change.seq)`,
    );
}

/**
 * Returns the ORDER BY expression of a sort column. PostgreSQL orders the
 * model by byte order (collation "C") like SQLite, so pages merged here and
 * compared in SQL agree, and the devices_model_sort index serves it.
 */
function sortExpression(table: string, column: ListSortColumn, dialect: DialectName): RawBuilder<SortValue> {
  const ref = sql.ref(`${table}.${column}`);
  if (column === 'model' && dialect === 'postgres') return sql<SortValue>`${ref} collate "C"`;
  return sql<SortValue>`${ref}`;
}

/** Orders rows as the SQL of readSegment does: non-null values by (value, id), then nulls by id. */
function compareRows(a: DeviceListPageRow, b: DeviceListPageRow, order: SortOrder): number {
  if (a.sort_value === null && b.sort_value !== null) return 1;
  if (a.sort_value !== null && b.sort_value === null) return -1;

  const sign = order === 'asc' ? 1 : -1;
  const byValue = a.sort_value === null || b.sort_value === null ? 0 : compareValues(a.sort_value, b.sort_value);
  if (byValue !== 0) return sign * byValue;
  return sign * compareValues(a.id, b.id);
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Byte order of UTF-8, as SQLite and PostgreSQL's collation "C" compare.
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

/**
 * Matches devices with a search term (migration 0012) that starts with
 * `search`, ignoring case. A term is the device id, serial, IMEI or model
 * from the start of one of its words to the end, lower-cased. Every text
 * that starts with the lower-cased search sorts between it and it followed
 * by the largest code point, U+10FFFF, so the index on term reads one range.
 * LIKE wildcards in the search match only themselves.
 *
 * The 'ordered' plan checks each device it walks by its own terms. Every
 * other plan reads the matching terms first and looks their devices up.
 */
function matchesSearch(search: string, dialect: DialectName, plan: Plan): Expression<SqlBool> {
  const inRange = termsInRange(search, dialect);
  if (plan === 'ordered') {
    return sql<SqlBool>`exists (select 1 from device_search_terms as terms where terms.device_pk = devices.id and ${inRange})`;
  }
  return sql<SqlBool>`devices.id in (select terms.device_pk from device_search_terms as terms where ${inRange})`;
}

/** Matches the rows of `device_search_terms as terms` whose term starts with the lower-cased `search`. */
function termsInRange(search: string, dialect: DialectName): RawBuilder<SqlBool> {
  const largestCodePoint = dialect === 'postgres' ? sql`chr(1114111)` : sql`char(1114111)`;
  const prefix = sql`lower(${search})`;
  return sql<SqlBool>`terms.term >= ${prefix} and terms.term < ${prefix} || ${largestCodePoint}`;
}

function matchesContactState(filter: ContactStateFilter, column: RawBuilder<unknown>): RawBuilder<SqlBool> {
  switch (filter.state) {
    case 'never':
      return sql<SqlBool>`${column} is null`;
    case 'online':
      return sql<SqlBool>`${column} >= ${filter.onlineSince}`;
    case 'late':
      return sql<SqlBool>`(${column} < ${filter.onlineSince} and ${column} >= ${filter.lateSince})`;
    case 'offline':
      return sql<SqlBool>`${column} < ${filter.lateSince}`;
  }
}
