import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per device once it has fetched a configuration: the policy
  // version it fetched, and the one it applied, which is the fetched version
  // copied over when the next device report arrives.
  await db.schema
    .createTable('device_policy_state')
    .addColumn('device_pk', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('fetched_policy_id', 'text')
    .addColumn('fetched_policy_version', 'integer')
    .addColumn('fetched_override_revision', 'integer')
    .addColumn('fetched_apps_json', 'text')
    .addColumn('fetched_at', 'bigint')
    .addColumn('applied_policy_id', 'text')
    .addColumn('applied_policy_version', 'integer')
    .addColumn('applied_override_revision', 'integer')
    .addColumn('applied_at', 'bigint')
    .addColumn('reported_permissions_json', 'text')
    .execute();
  await db.schema
    .createIndex('device_policy_state_applied')
    .on('device_policy_state')
    .columns(['applied_policy_id', 'applied_policy_version'])
    .execute();

  await db.schema
    .createTable('device_overrides')
    .addColumn('device_pk', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('device_overrides').execute();
  await db.schema.dropTable('device_policy_state').execute();
}
