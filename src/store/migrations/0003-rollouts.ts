import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rollouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addColumn('app_version_id', 'text', (c) => c.notNull().references('app_versions.id'))
    .addColumn('target_version_code', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('scope_json', 'text', (c) => c.notNull())
    .addColumn('stages_json', 'text', (c) => c.notNull())
    .addColumn('signer_changed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('halt_reason', 'text')
    .addColumn('woken_stage', 'integer', (c) => c.notNull().defaultTo(-1))
    .addColumn('resumed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollouts_package_state').on('rollouts').columns(['package_name', 'state']).execute();

  // One row per device the rollout has dealt with: offered, failed,
  // incompatible or installed. Devices never offered have no row.
  await db.schema
    .createTable('rollout_devices')
    .addColumn('rollout_id', 'text', (c) => c.notNull().references('rollouts.id').onDelete('cascade'))
    .addColumn('device_pk', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage_index', 'integer', (c) => c.notNull())
    .addColumn('offers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_offered_at', 'bigint')
    .addColumn('last_offered_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollout_devices_pk', ['rollout_id', 'device_pk'])
    .execute();
  await db.schema
    .createIndex('rollout_devices_stage_status')
    .on('rollout_devices')
    .columns(['rollout_id', 'stage_index', 'status'])
    .execute();

  // Bytes of each app version sent to each device, over every request.
  await db.schema
    .createTable('device_downloads')
    .addColumn('device_pk', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('app_version_id', 'text', (c) => c.notNull().references('app_versions.id'))
    .addColumn('bytes_served', 'bigint', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_downloads_pk', ['device_pk', 'app_version_id'])
    .execute();
  await db.schema.createIndex('device_downloads_version').on('device_downloads').column('app_version_id').execute();

  await db.schema
    .createTable('app_pins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addColumn('max_version_code', 'bigint', (c) => c.notNull())
    .addColumn('scope_json', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('app_pins_package').on('app_pins').column('package_name').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('app_pins').execute();
  await db.schema.dropTable('device_downloads').execute();
  await db.schema.dropTable('rollout_devices').execute();
  await db.schema.dropTable('rollouts').execute();
}
