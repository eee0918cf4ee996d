import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Search terms of the device list: for each device, every suffix of its
 * device id, serial, IMEI and model that starts a word, lower-cased, so a
 * search for "kono" finds "chw-kono-001" by a prefix range on one index.
 * A word starts at a letter or digit that follows any other character, or
 * at the start of the value. Triggers keep the terms in step with every
 * insert, update and delete of a device.
 *
 * Letters and digits are the ASCII ones plus every character above U+007F,
 * so the split is the same on SQLite and PostgreSQL whatever the locale.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = isPostgres(db);

  await createTermsTable(db, postgres);
  if (postgres) await createPostgresTriggers(db);
  else await createSqliteTriggers(db);
  await backfill(db, postgres);

  // The start-of-value indexes of migration 0010 served the old search. The terms replace them.
  for (const column of SEARCH_COLUMNS) await db.schema.dropIndex(`devices_search_${column}`).ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = isPostgres(db);

  if (postgres) {
    await sql`drop trigger if exists devices_search_terms_write on devices`.execute(db);
    await sql`drop trigger if exists devices_search_terms_update on devices`.execute(db);
    await sql`drop function if exists devices_search_terms_sync()`.execute(db);
    await sql`drop function if exists device_search_terms_of(text)`.execute(db);
  } else {
    for (const name of ['devices_search_terms_insert', 'devices_search_terms_update', 'devices_search_terms_delete']) {
      await sql`drop trigger if exists ${sql.raw(name)}`.execute(db);
    }
    await sql`drop table if exists device_search_positions`.execute(db);
  }
  await db.schema.dropTable('device_search_terms').execute();

  const opclass = postgres ? sql.raw(' text_pattern_ops') : sql.raw('');
  for (const column of SEARCH_COLUMNS) {
    const index = sql.raw(`devices_search_${column}`);
    await sql`create index ${index} on devices ((lower(${sql.ref(column)}))${opclass})`.execute(db);
  }
}

const SEARCH_COLUMNS = ['device_id', 'serial', 'imei', 'model'] as const;

/**
 * Last character position at which SQLite starts a term. Agents report a
 * serial, IMEI or model of at most 256 characters, and device ids have at
 * most 100.
 * NOTE: a word that starts further into a longer value, written other than
 * by an agent report, is not found on SQLite. PostgreSQL has no such limit.
 */
const SQLITE_MAX_SPLIT_LENGTH = 256;

function isPostgres(db: Kysely<unknown>): boolean {
  // PostgreSQL numbers parameters ($1), SQLite writes '?'.
  return sql`${0}`.compile(db).sql === '$1';
}

async function createTermsTable(db: Kysely<unknown>, postgres: boolean): Promise<void> {
  // The primary key serves the search, a prefix range on term. On
  // PostgreSQL the term compares by byte order (collation "C"), as on
  // SQLite, so that range is the same and the index answers it.
  if (postgres) {
    await sql`create table device_search_terms (
      term text collate "C" not null,
      device_pk text not null,
      primary key (term, device_pk)
    )`.execute(db);
  } else {
    await sql`create table device_search_terms (
      term text not null,
      device_pk text not null,
      primary key (term, device_pk)
    ) without rowid`.execute(db);
  }
  // Serves the triggers' deletes and the check of one device during a walk of a sort index.
  await db.schema.createIndex('device_search_terms_device').on('device_search_terms').columns(['device_pk', 'term']).execute();
}

/** True when the character at `position` of `value` is a letter or digit; `codePoint` is the dialect's function. */
function isWordCharacter(value: RawBuilder<unknown>, position: RawBuilder<unknown>, codePoint: 'ascii' | 'unicode'): RawBuilder<unknown> {
  const code = sql`${sql.raw(codePoint)}(substr(${value}, ${position}, 1))`;
  return sql`(${code} between 48 and 57 or ${code} between 65 and 90 or ${code} between 97 and 122 or ${code} > 127)`;
}

/** True when `position` of `value` starts a term: the first character, or a letter or digit after another character. */
function startsTerm(value: RawBuilder<unknown>, position: RawBuilder<unknown>, codePoint: 'ascii' | 'unicode'): RawBuilder<unknown> {
  const here = isWordCharacter(value, position, codePoint);
  const before = isWordCharacter(value, sql`${position} - 1`, codePoint);
  return sql`(${position} = 1 or (${here} and not ${before}))`;
}

/**
 * SQLite has no generate_series and rejects a WITH clause inside a
 * trigger, so the character positions 1 to SQLITE_MAX_SPLIT_LENGTH are rows
 * of a table. Its primary key lets a value read only the positions up to its
 * length: a backfill of 100,000 devices took 1.2 s so, and 18 s when every
 * value joined all 256 positions of a view.
 */
async function createSqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const maxLength = sql.raw(String(SQLITE_MAX_SPLIT_LENGTH));
  await sql`create table device_search_positions (pos integer primary key)`.execute(db);
  await sql`
    insert into device_search_positions (pos)
    with recursive positions (pos) as (select 1 union all select pos + 1 from positions where pos < ${maxLength})
    select pos from positions
  `.execute(db);

  const values = sql.join(
    SEARCH_COLUMNS.map((column) => sql`select ${sql.raw(`new.${column}`)} as value`),
    sql` union all `,
  );
  const insertTerms = sqliteInsertTerms(sql`new.id`, sql`(${values})`);

  await sql`
    create trigger devices_search_terms_insert after insert on devices for each row
    begin
      ${insertTerms};
    end
  `.execute(db);

  const changed = sql.join(
    ['id', ...SEARCH_COLUMNS].map((column) => sql.raw(`old.${column} is not new.${column}`)),
    sql` or `,
  );
  await sql`
    create trigger devices_search_terms_update after update of id, device_id, serial, imei, model on devices for each row
    when ${changed}
    begin
      delete from device_search_terms where device_pk = old.id;
      ${insertTerms};
    end
  `.execute(db);

  await sql`
    create trigger devices_search_terms_delete after delete on devices for each row
    begin
      delete from device_search_terms where device_pk = old.id;
    end
  `.execute(db);
}

/** Inserts the terms of the values of `source` (a subquery with a column `value`) for device `devicePk`. */
function sqliteInsertTerms(devicePk: RawBuilder<unknown>, source: RawBuilder<unknown>): RawBuilder<unknown> {
  const value = sql`v.value`;
  const position = sql`p.pos`;
  return sql`
    insert or ignore into device_search_terms (term, device_pk)
    select lower(substr(${value}, ${position})), ${devicePk}
    from ${source} as v
    join device_search_positions as p on p.pos <= length(${value})
    where ${startsTerm(value, position, 'unicode')}`;
}

async function createPostgresTriggers(db: Kysely<unknown>): Promise<void> {
  const value = sql`value`;
  const position = sql`pos`;
  // Strict: a null value has no terms.
  await sql`
    create function device_search_terms_of(value text) returns setof text
    language sql immutable strict as $$
      select lower(substr(${value}, ${position}))
      from generate_series(1, length(${value})) as pos
      where ${startsTerm(value, position, 'ascii')}
    $$
  `.execute(db);

  await sql`
    create function devices_search_terms_sync() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'INSERT' then
        delete from device_search_terms where device_pk = old.id;
      end if;
      if tg_op <> 'DELETE' then
        insert into device_search_terms (term, device_pk)
        select terms.term, new.id
        from unnest(array[new.device_id, new.serial, new.imei, new.model]) as v(value),
          lateral device_search_terms_of(v.value) as terms(term)
        on conflict do nothing;
      end if;
      return null;
    end
    $$
  `.execute(db);

  await sql`
    create trigger devices_search_terms_write after insert or delete on devices
    for each row execute function devices_search_terms_sync()
  `.execute(db);
  const changed = sql.join(
    ['id', ...SEARCH_COLUMNS].map((column) => sql.raw(`old.${column} is distinct from new.${column}`)),
    sql` or `,
  );
  await sql`
    create trigger devices_search_terms_update after update of id, device_id, serial, imei, model on devices
    for each row when (${changed})
    execute function devices_search_terms_sync()
  `.execute(db);
}

/** Writes the terms of the devices that exist before this migration. */
async function backfill(db: Kysely<unknown>, postgres: boolean): Promise<void> {
  const values = sql.join(
    SEARCH_COLUMNS.map((column) => sql`select id as device_pk, ${sql.ref(column)} as value from devices`),
    sql` union all `,
  );
  if (postgres) {
    await sql`
      insert into device_search_terms (term, device_pk)
      select terms.term, v.device_pk
      from (${values}) as v, lateral device_search_terms_of(v.value) as terms(term)
      on conflict do nothing
    `.execute(db);
    return;
  }
  await sql`${sqliteInsertTerms(sql`v.device_pk`, sql`(${values})`)}`.execute(db);
}
