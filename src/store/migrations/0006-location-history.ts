import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One fix per device and time taken. The initial schema already declares
  // this index unique, so on databases Outpost created the delete finds
  // nothing. It guards databases restored or edited by hand, where the index
  // would otherwise fail to build. Of duplicates, the row received first stays.
  await sql`
    delete from locations
    where exists (
      select 1 from locations earlier
      where earlier.device_pk = locations.device_pk
        and earlier.taken_at = locations.taken_at
        and (earlier.received_at < locations.received_at
          or (earlier.received_at = locations.received_at and earlier.id < locations.id))
    )
  `.execute(db);
  await db.schema.dropIndex('locations_device_taken').ifExists().execute();
  await db.schema.createIndex('locations_device_taken').on('locations').columns(['device_pk', 'taken_at']).unique().execute();

  // The retention purge deletes by time taken across every device.
  await db.schema.createIndex('locations_taken_at').on('locations').column('taken_at').execute();

  await db.schema
    .createTable('location_rejections')
    .addColumn('device_pk', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('last_taken_at', 'bigint')
    .addColumn('last_lat', 'double precision')
    .addColumn('last_lon', 'double precision')
    .addPrimaryKeyConstraint('location_rejections_pk', ['device_pk', 'reason'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('location_rejections').execute();
  await db.schema.dropIndex('locations_taken_at').execute();
}
