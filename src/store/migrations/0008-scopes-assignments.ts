import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Org-unit subtrees a console user may see and act on. A user without
  // rows sees the whole fleet. The unit is not a foreign key: a DHIS2 sync
  // may remove a unit, and a scope naming a missing unit matches nothing.
  await db.schema
    .createTable('user_org_unit_scopes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('org_unit_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_org_unit_scopes_pk', ['user_id', 'org_unit_id'])
    .execute();

  // 'local' users sign in with their Outpost password; 'dhis2' users with
  // their DHIS2 credentials, and their role and scope follow DHIS2 at each sign-in.
  await db.schema.alterTable('users').addColumn('auth_source', 'text', (c) => c.notNull().defaultTo('local')).execute();

  // A policy given to an org unit applies to the devices of its subtree.
  await db.schema
    .createTable('org_unit_policies')
    .addColumn('org_unit_id', 'text', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('org_unit_policies_policy').on('org_unit_policies').column('policy_id').execute();

  // devices.policy_id stays the effective policy that configuration and
  // rollouts read; these columns record where it comes from.
  for (const column of ['dhis2_user_id', 'explicit_policy_id', 'enrolment_policy_id', 'policy_source', 'policy_source_unit_id']) {
    await db.schema.alterTable('devices').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('enrolment_tokens').addColumn('dhis2_user_id', 'text').execute();

  // Devices enrolled before this migration got their policy from the token.
  await sql`update devices set enrolment_policy_id = policy_id, policy_source = 'enrolment' where policy_id is not null`.execute(db);
  await sql`update devices set policy_source = 'none' where policy_id is null`.execute(db);

  // Scope filters select devices by org unit; assignment lists by DHIS2 user.
  await db.schema.createIndex('devices_org_unit').on('devices').column('org_unit_id').execute();
  await db.schema.createIndex('devices_dhis2_user').on('devices').column('dhis2_user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('devices_dhis2_user').execute();
  await db.schema.dropIndex('devices_org_unit').execute();
  await db.schema.alterTable('enrolment_tokens').dropColumn('dhis2_user_id').execute();
  for (const column of ['policy_source_unit_id', 'policy_source', 'enrolment_policy_id', 'explicit_policy_id', 'dhis2_user_id']) {
    await db.schema.alterTable('devices').dropColumn(column).execute();
  }
  await db.schema.dropTable('org_unit_policies').execute();
  await db.schema.alterTable('users').dropColumn('auth_source').execute();
  await db.schema.dropTable('user_org_unit_scopes').execute();
}
