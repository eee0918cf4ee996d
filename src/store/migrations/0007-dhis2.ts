import type { Kysely } from 'kysely';

const COUNT_COLUMNS = [
  'units_added',
  'units_changed',
  'units_removed',
  'users_added',
  'users_changed',
  'users_removed',
  'groups_added',
  'groups_changed',
  'groups_removed',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  // Units copied from DHIS2 are marked so that local units stay untouched
  // by a sync. A unit removed in DHIS2 keeps its row, because devices,
  // scopes and policies may still name it; removed_at marks it.
  await db.schema.alterTable('org_units').addColumn('source', 'text', (c) => c.notNull().defaultTo('local')).execute();
  await db.schema.alterTable('org_units').addColumn('removed_at', 'bigint').execute();
  await db.schema.alterTable('org_units').addColumn('synced_at', 'bigint').execute();

  await db.schema
    .createTable('dhis2_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('surname', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .addColumn('last_login_at', 'bigint')
    .addColumn('removed_at', 'bigint')
    .addColumn('synced_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dhis2_users_username').on('dhis2_users').column('username').execute();

  // A user's capture org units and groups, one row each, so that the
  // attention list can join them.
  await db.schema
    .createTable('dhis2_user_org_units')
    .addColumn('user_id', 'text', (c) => c.notNull().references('dhis2_users.id').onDelete('cascade'))
    .addColumn('org_unit_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dhis2_user_org_units_pk', ['user_id', 'org_unit_id'])
    .execute();
  await db.schema.createIndex('dhis2_user_org_units_unit').on('dhis2_user_org_units').column('org_unit_id').execute();

  await db.schema
    .createTable('dhis2_user_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'bigint')
    .addColumn('synced_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('dhis2_user_group_members')
    .addColumn('user_id', 'text', (c) => c.notNull().references('dhis2_users.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dhis2_user_group_members_pk', ['user_id', 'group_id'])
    .execute();
  await db.schema.createIndex('dhis2_user_group_members_group').on('dhis2_user_group_members').column('group_id').execute();

  let runs = db.schema
    .createTable('dhis2_sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('dhis2_version', 'text')
    .addColumn('cutoff', 'text')
    .addColumn('error', 'text')
    .addColumn('warnings_json', 'text')
    .addColumn('changes_json', 'text');
  for (const column of COUNT_COLUMNS) {
    runs = runs.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
  }
  await runs.execute();
  await db.schema.createIndex('dhis2_sync_runs_started').on('dhis2_sync_runs').column('started_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dhis2_sync_runs').execute();
  await db.schema.dropTable('dhis2_user_group_members').execute();
  await db.schema.dropTable('dhis2_user_groups').execute();
  await db.schema.dropTable('dhis2_user_org_units').execute();
  await db.schema.dropTable('dhis2_users').execute();
  await db.schema.alterTable('org_units').dropColumn('synced_at').execute();
  await db.schema.alterTable('org_units').dropColumn('removed_at').execute();
  await db.schema.alterTable('org_units').dropColumn('source').execute();
}
