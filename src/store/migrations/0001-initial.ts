import type { Kysely } from 'kysely';

// Column types are ones both SQLite and PostgreSQL accept: text, integer,
// bigint (times in milliseconds) and double precision (coordinates).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('org_units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('org_units_path').on('org_units').column('path').execute();

  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('policy_versions')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('settings_json', 'text', (c) => c.notNull())
    .addColumn('apps_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('policy_versions_pk', ['policy_id', 'version'])
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('package_name', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('app_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id'))
    .addColumn('version_code', 'bigint', (c) => c.notNull())
    .addColumn('version_name', 'text')
    .addColumn('min_sdk', 'integer')
    .addColumn('target_sdk', 'integer')
    .addColumn('label', 'text')
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull().unique())
    .addColumn('signer_sha256', 'text', (c) => c.notNull())
    .addColumn('signature_schemes', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema
    .createIndex('app_versions_app_code')
    .on('app_versions')
    .columns(['app_id', 'version_code'])
    .execute();

  await db.schema
    .createTable('policy_apps')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addColumn('app_version_id', 'text', (c) => c.references('app_versions.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('show_icon', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('run_after_install', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('screen_order', 'integer')
    .addPrimaryKeyConstraint('policy_apps_pk', ['policy_id', 'package_name'])
    .execute();

  await db.schema
    .createTable('enrolment_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addColumn('org_unit_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('preset_device_id', 'text')
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('expires_at', 'bigint')
    .addColumn('uses_left', 'integer')
    .addColumn('revoked_at', 'bigint')
    .addColumn('qr_options_json', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();

  await createDeviceTables(db);
  await createOperationTables(db);
}

async function createDeviceTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().unique())
    .addColumn('serial', 'text')
    .addColumn('imei', 'text')
    .addColumn('imei2', 'text')
    .addColumn('model', 'text')
    .addColumn('android_version', 'text')
    .addColumn('sdk_level', 'integer')
    .addColumn('cpu', 'text')
    .addColumn('agent_package', 'text')
    .addColumn('agent_version', 'text')
    .addColumn('launcher_type', 'text')
    .addColumn('mdm_mode', 'integer')
    .addColumn('battery_level', 'integer')
    .addColumn('battery_charging', 'text')
    .addColumn('policy_id', 'text', (c) => c.references('policies.id'))
    .addColumn('org_unit_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('enrolment_generation', 'integer', (c) => c.notNull())
    .addColumn('enrolment_token_id', 'text')
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addColumn('last_contact_at', 'bigint')
    .addColumn('last_config_at', 'bigint')
    .addColumn('last_info_at', 'bigint')
    .addColumn('last_lat', 'double precision')
    .addColumn('last_lon', 'double precision')
    .addColumn('last_location_at', 'bigint')
    .addColumn('external_ip', 'text')
    .addColumn('info_json', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('devices_serial').on('devices').column('serial').execute();
  await db.schema.createIndex('devices_imei').on('devices').column('imei').execute();
  await db.schema.createIndex('devices_imei2').on('devices').column('imei2').execute();
  await db.schema.createIndex('devices_policy').on('devices').column('policy_id').execute();
  await db.schema.createIndex('devices_last_contact').on('devices').columns(['last_contact_at', 'id']).execute();
  await db.schema.createIndex('devices_enrolled').on('devices').columns(['enrolled_at', 'id']).execute();

  await db.schema
    .createTable('device_apps')
    .addColumn('device_pk', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addColumn('version_name', 'text')
    .addColumn('reported_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_apps_pk', ['device_pk', 'package_name'])
    .execute();

  await db.schema
    .createTable('locations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_pk', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('taken_at', 'bigint', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  // Unique on (device, time taken): a report sent twice stores its fix once.
  await db.schema
    .createIndex('locations_device_taken')
    .on('locations')
    .columns(['device_pk', 'taken_at'])
    .unique()
    .execute();
}

async function createOperationTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('commands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_pk', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('commands_device_state').on('commands').columns(['device_pk', 'state']).execute();

  await db.schema
    .createTable('log_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.references('policies.id').onDelete('cascade'))
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addColumn('log_level', 'integer', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('device_logs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_pk', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('logged_at', 'bigint', (c) => c.notNull())
    .addColumn('log_level', 'integer', (c) => c.notNull())
    .addColumn('package_name', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('device_logs_device').on('device_logs').columns(['device_pk', 'logged_at']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('details_json', 'text')
    .execute();
  await db.schema.createIndex('audit_events_at').on('audit_events').columns(['at', 'id']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('list_snapshot_rows')
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('device_pk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('list_snapshot_rows_pk', ['snapshot_id', 'position'])
    .execute();
}

export async function down(): Promise<void> {
  // NOTE: the first schema is never rolled back; an upgrade must not drop data.
}
