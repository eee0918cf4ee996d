import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Serials and IMEIs of the phones a programme bought. When the enrolment
  // rules require it, only a phone reporting one of them stays enrolled.
  await db.schema
    .createTable('preregistered_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hardware_id', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();

  // A second phone that used the device id of an enrolled phone: one row per
  // device record, updated on each repeat, so a claim storm stays one row.
  await db.schema
    .createTable('device_id_claims')
    .addColumn('device_pk', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
    .addColumn('first_claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('last_claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('claim_count', 'integer', (c) => c.notNull())
    .addColumn('claimant_serial', 'text')
    .addColumn('claimant_imei', 'text')
    .addColumn('claimant_ip', 'text')
    .execute();

  // The retention purges select old rows by time across all devices; without
  // these indexes each batch would scan the whole table. Locations already
  // have one on taken_at.
  await db.schema.createIndex('device_logs_received_at').on('device_logs').column('received_at').execute();
  await db.schema.createIndex('commands_state_updated').on('commands').columns(['state', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('commands_state_updated').execute();
  await db.schema.dropIndex('device_logs_received_at').execute();
  await db.schema.dropTable('device_id_claims').execute();
  await db.schema.dropTable('preregistered_devices').execute();
}
