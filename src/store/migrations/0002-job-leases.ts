import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per scheduled job: the process holding the job's lease and when
  // the lease runs out, in milliseconds since the epoch.
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  // The command-expiry job looks for open commands past their expiry across
  // every device; without this index it reads the whole command history.
  await db.schema.createIndex('commands_state_expires').on('commands').columns(['state', 'expires_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('commands_state_expires').execute();
  await db.schema.dropTable('job_leases').execute();
}
