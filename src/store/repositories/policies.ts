import type { Db } from '../database.js';
import type { PolicyAppRow, PolicyRow } from '../schema.js';

/** A policy's app entry with the versionCode and versionName of the version it names. */
export type PolicyAppWithVersion = PolicyAppRow & { version_code: number | null; version_name: string | null };

export interface PolicyAppEntry {
  packageName: string;
  appVersionId: string | null;
  action: 'install' | 'remove';
  showIcon: boolean;
  runAfterInstall: boolean;
  screenOrder: number | null;
}

/** Policies, their app lists and the saved version history. */
export class PolicyRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByName(name: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('policies').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async list(): Promise<PolicyRow[]> {
    return this.db.selectFrom('policies').selectAll().orderBy('name').execute();
  }

  async listApps(policyId: string): Promise<PolicyAppRow[]> {
    return this.db
      .selectFrom('policy_apps')
      .selectAll()
      .where('policy_id', '=', policyId)
      .orderBy('package_name')
      .execute();
  }

  /**
   * Writes a policy with its apps as a new version in one transaction: the
   * row, the app list and the history entry change together or not at all.
   */
  async save(
    policy: { id: string; name: string; description: string; settingsJson: string },
    apps: PolicyAppEntry[],
    actor: string | null,
    now = Date.now(),
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      // Incrementing in the UPDATE itself locks the row on PostgreSQL, so two
      // concurrent saves get consecutive versions instead of the same one.
      const updated = await trx
        .updateTable('policies')
        .set((eb) => ({
          name: policy.name,
          description: policy.description,
          settings_json: policy.settingsJson,
          version: eb('version', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', policy.id)
        .returning('version')
        .executeTakeFirst();
      const version = updated?.version ?? 1;

      if (!updated) {
        await trx
          .insertInto('policies')
          .values({
            id: policy.id,
            name: policy.name,
            description: policy.description,
            settings_json: policy.settingsJson,
            version,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }

      await trx.deleteFrom('policy_apps').where('policy_id', '=', policy.id).execute();
      if (apps.length > 0) {
        await trx
          .insertInto('policy_apps')
          .values(
            apps.map((app) => ({
              policy_id: policy.id,
              package_name: app.packageName,
              app_version_id: app.appVersionId,
              action: app.action,
              show_icon: app.showIcon ? 1 : 0,
              run_after_install: app.runAfterInstall ? 1 : 0,
              screen_order: app.screenOrder,
            })),
          )
          .execute();
      }

      await trx
        .insertInto('policy_versions')
        .values({
          policy_id: policy.id,
          version,
          settings_json: policy.settingsJson,
          apps_json: JSON.stringify(apps),
          created_at: now,
          created_by: actor,
        })
        .execute();
      return version;
    });
  }

  async listVersions(policyId: string) {
    return this.db
      .selectFrom('policy_versions')
      .selectAll()
      .where('policy_id', '=', policyId)
      .orderBy('version', 'desc')
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('policies').where('id', '=', id).execute();
  }

  /** Lists a policy's apps with the versionCode and versionName of each named version. */
  async listAppsWithVersions(policyId: string): Promise<PolicyAppWithVersion[]> {
    return this.db
      .selectFrom('policy_apps')
      .leftJoin('app_versions', 'app_versions.id', 'policy_apps.app_version_id')
      .selectAll('policy_apps')
      .select(['app_versions.version_code', 'app_versions.version_name'])
      .where('policy_apps.policy_id', '=', policyId)
      .orderBy('policy_apps.package_name')
      .execute();
  }
}
