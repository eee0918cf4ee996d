import { sql, type Kysely } from 'kysely';

/**
 * Tables a device configuration's policy part is built from: the policy and
 * its app list, the app catalogue, rollouts and pins. Every write to one of
 * them raises its counter in config_generations.
 */
export const CONFIG_SOURCE_TABLES = ['policies', 'policy_apps', 'apps', 'app_versions', 'rollouts', 'app_pins'] as const;

const SQLITE_EVENTS = ['insert', 'update', 'delete'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // One counter per source table, raised in the writing transaction, so a
  // process that cached a policy's configuration sees any committed change,
  // made by any process, as a new sum. One row per table rather than one
  // row for all keeps unrelated writers (an app upload, a policy save) from
  // waiting on each other's row lock on PostgreSQL.
  await db.schema
    .createTable('config_generations')
    .addColumn('table_name', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db
    .insertInto('config_generations' as never)
    .values(CONFIG_SOURCE_TABLES.map((table) => ({ table_name: table, generation: 0 })) as never)
    .execute();

  if (isPostgres(db)) {
    await sql`
      create function raise_config_generation() returns trigger language plpgsql as $$
      begin
        update config_generations set generation = generation + 1 where table_name = tg_table_name;
        return null;
      end
      $$`.execute(db);
    for (const table of CONFIG_SOURCE_TABLES) {
      // A statement trigger fires once per statement, even one that changes no row.
      await sql`
        create trigger ${sql.id(`${table}_config_generation`)}
        after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function raise_config_generation()`.execute(db);
    }
    return;
  }

  // SQLite has row triggers only, and one event per trigger.
  for (const table of CONFIG_SOURCE_TABLES) {
    for (const event of SQLITE_EVENTS) {
      await sql`
        create trigger ${sql.id(`${table}_config_generation_${event}`)}
        after ${sql.raw(event)} on ${sql.table(table)}
        begin
          update config_generations set generation = generation + 1 where table_name = ${sql.lit(table)};
        end`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of CONFIG_SOURCE_TABLES) {
      await sql`drop trigger ${sql.id(`${table}_config_generation`)} on ${sql.table(table)}`.execute(db);
    }
    await sql`drop function raise_config_generation()`.execute(db);
  } else {
    for (const table of CONFIG_SOURCE_TABLES) {
      for (const event of SQLITE_EVENTS) {
        await sql`drop trigger ${sql.id(`${table}_config_generation_${event}`)}`.execute(db);
      }
    }
  }
  await db.schema.dropTable('config_generations').execute();
}

/** PostgreSQL numbers parameters ($1); SQLite uses '?'. */
function isPostgres(db: Kysely<unknown>): boolean {
  return sql`${0}`.compile(db).sql === '$1';
}
