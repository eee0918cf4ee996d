import { sql, type Kysely } from 'kysely';

/**
 * Indexes that serve each filter and sort of the console's device list, and
 * the change log that keeps paging stable under sorts by changing columns
 * without copying the list's order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = isPostgres(db);

  await createListIndexes(db, postgres);
  await createChangeLog(db, postgres);
  if (postgres) await createPostgresTrigger(db);
  else await createSqliteTrigger(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = isPostgres(db);

  if (postgres) {
    await sql`drop trigger if exists devices_record_sort_change on devices`.execute(db);
    await sql`drop function if exists devices_record_sort_change()`.execute(db);
  } else {
    await sql`drop trigger if exists devices_record_sort_change`.execute(db);
  }
  await db.schema.dropTable('device_list_activity').execute();
  await db.schema.dropTable('device_sort_changes').execute();
  for (const name of LIST_INDEXES) await db.schema.dropIndex(name).ifExists().execute();
}

const LIST_INDEXES = [
  'devices_model_sort',
  'devices_battery_sort',
  'devices_org_unit_contact',
  'devices_search_device_id',
  'devices_search_serial',
  'devices_search_imei',
  'devices_search_model',
];

function isPostgres(db: Kysely<unknown>): boolean {
  // PostgreSQL numbers parameters ($1), SQLite writes '?'.
  return sql`${0}`.compile(db).sql === '$1';
}

async function createListIndexes(db: Kysely<unknown>, postgres: boolean): Promise<void> {
  // Sorts page by (column, id). Last contact and enrolment time have theirs
  // since the first schema. On PostgreSQL the model sorts by byte order
  // (collation "C"), as on SQLite, so both order the same way.
  if (postgres) {
    await sql`create index devices_model_sort on devices (model collate "C", id)`.execute(db);
  } else {
    await sql`create index devices_model_sort on devices (model, id)`.execute(db);
  }
  await sql`create index devices_battery_sort on devices (battery_level, id)`.execute(db);

  // The org-unit filter and a scoped user's list, by last contact (the console's default).
  await sql`create index devices_org_unit_contact on devices (org_unit_id, last_contact_at, id)`.execute(db);

  // Search matches the start of each column, ignoring case. text_pattern_ops
  // lets PostgreSQL answer LIKE 'prefix%' from the index under any collation;
  // SQLite answers a range on the lower-cased value.
  const opclass = postgres ? sql.raw(' text_pattern_ops') : sql.raw('');
  for (const column of ['device_id', 'serial', 'imei', 'model']) {
    const index = sql.raw(`devices_search_${column}`);
    await sql`create index ${index} on devices ((lower(${sql.ref(column)}))${opclass})`.execute(db);
  }
}

/**
 * The change log: while a device list sorted by a changing column is open,
 * every update of last contact, battery or model stores the row's values
 * from before the update. A list page reads each device at its value as of
 * the list's first page, so reports never move a device across the cursor.
 */
async function createChangeLog(db: Kysely<unknown>, postgres: boolean): Promise<void> {
  if (postgres) {
    await sql`create table device_sort_changes (
      seq bigint generated always as identity primary key,
      device_pk text not null,
      last_contact_at bigint,
      battery_level integer,
      model text,
      recorded_at bigint not null
    )`.execute(db);
  } else {
    // AUTOINCREMENT keeps sequence numbers from being reused after a purge.
    await sql`create table device_sort_changes (
      seq integer primary key autoincrement,
      device_pk text not null,
      last_contact_at bigint,
      battery_level integer,
      model text,
      recorded_at bigint not null
    )`.execute(db);
  }
  await db.schema.createIndex('device_sort_changes_device').on('device_sort_changes').columns(['device_pk', 'seq']).execute();

  // One row (id 1): the time in milliseconds until which some list may still
  // read the log. Outside it the trigger stores nothing.
  await db.schema
    .createTable('device_list_activity')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('open_until', 'bigint', (c) => c.notNull())
    .execute();
}

async function createSqliteTrigger(db: Kysely<unknown>): Promise<void> {
  const nowMs = sql.raw(`cast((julianday('now') - 2440587.5) * 86400000 as integer)`);
  await sql`
    create trigger devices_record_sort_change
    after update of last_contact_at, battery_level, model on devices
    for each row
    when (old.last_contact_at is not new.last_contact_at
        or old.battery_level is not new.battery_level
        or old.model is not new.model)
      and exists (select 1 from device_list_activity where open_until > ${nowMs})
    begin
      insert into device_sort_changes (device_pk, last_contact_at, battery_level, model, recorded_at)
      values (old.id, old.last_contact_at, old.battery_level, old.model, ${nowMs});
    end
  `.execute(db);
}

async function createPostgresTrigger(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function devices_record_sort_change() returns trigger language plpgsql as $$
    declare
      now_ms bigint := (extract(epoch from clock_timestamp()) * 1000)::bigint;
    begin
      if exists (select 1 from device_list_activity where open_until > now_ms) then
        insert into device_sort_changes (device_pk, last_contact_at, battery_level, model, recorded_at)
        values (old.id, old.last_contact_at, old.battery_level, old.model, now_ms);
      end if;
      return null;
    end
    $$
  `.execute(db);
  await sql`
    create trigger devices_record_sort_change
    after update of last_contact_at, battery_level, model on devices
    for each row
    when (old.last_contact_at is distinct from new.last_contact_at
        or old.battery_level is distinct from new.battery_level
        or old.model is distinct from new.model)
    execute function devices_record_sort_change()
  `.execute(db);
}
