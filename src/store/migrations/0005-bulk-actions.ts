import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Lost mode: when it began (null when the device is not lost), the text
  // on the lock screen and the console user who set it.
  await db.schema.alterTable('devices').addColumn('lost_mode_since', 'bigint').execute();
  await db.schema.alterTable('devices').addColumn('lost_mode_message', 'text').execute();
  await db.schema.alterTable('devices').addColumn('lost_mode_by', 'text').execute();

  // The bulk job that created a command, if any. The unique index makes a
  // second command of one job for one device fail, so a job step repeated
  // after a crash cannot queue the action twice. Rows without a job have a
  // null job id, and nulls never collide in a unique index.
  await db.schema.alterTable('commands').addColumn('bulk_job_id', 'text').execute();
  await db.schema.createIndex('commands_bulk_job_device').on('commands').columns(['bulk_job_id', 'device_pk']).unique().execute();

  await db.schema
    .createTable('bulk_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('command_type', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text')
    .addColumn('selection_json', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('expires_in_hours', 'integer')
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('cancelled_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bulk_jobs_state').on('bulk_jobs').columns(['state', 'created_at']).execute();

  // One row per selected device, with its result. The device is not a
  // foreign key, so a job keeps its result for a device deleted since.
  await db.schema
    .createTable('bulk_job_devices')
    .addColumn('job_id', 'text', (c) => c.notNull().references('bulk_jobs.id').onDelete('cascade'))
    .addColumn('device_pk', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('command_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('bulk_job_devices_pk', ['job_id', 'device_pk'])
    .execute();
  await db.schema
    .createIndex('bulk_job_devices_state')
    .on('bulk_job_devices')
    .columns(['job_id', 'state', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('bulk_job_devices').execute();
  await db.schema.dropTable('bulk_jobs').execute();
  await db.schema.dropIndex('commands_bulk_job_device').execute();
  await db.schema.alterTable('commands').dropColumn('bulk_job_id').execute();
  await db.schema.alterTable('devices').dropColumn('lost_mode_by').execute();
  await db.schema.alterTable('devices').dropColumn('lost_mode_message').execute();
  await db.schema.alterTable('devices').dropColumn('lost_mode_since').execute();
}
