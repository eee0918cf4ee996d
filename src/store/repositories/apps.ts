import type { Insertable } from 'kysely';

import type { Db } from '../database.js';
import type { AppRow, AppVersionRow, AppVersionTable } from '../schema.js';

/** An app version with the package it belongs to. */
export type AppVersionWithPackage = AppVersionRow & { package_name: string };

/** The app catalogue: packages and every uploaded version of each. */
export class AppRepository {
  constructor(private readonly db: Db) {}

  async findAppByPackage(packageName: string): Promise<AppRow | undefined> {
    return this.db.selectFrom('apps').selectAll().where('package_name', '=', packageName).executeTakeFirst();
  }

  /** Returns the label of each given package whose app has one. */
  async listLabelsOfPackages(packageNames: readonly string[]): Promise<Map<string, string>> {
    if (packageNames.length === 0) return new Map();

    const rows = await this.db.selectFrom('apps').select(['package_name', 'label']).where('package_name', 'in', packageNames).execute();
    return new Map(rows.filter((row) => row.label !== null).map((row) => [row.package_name, row.label!]));
  }

  async insertApp(app: { id: string; packageName: string; label: string | null }, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('apps')
      .values({ id: app.id, package_name: app.packageName, label: app.label, created_at: now })
      .execute();
  }

  async listApps(): Promise<AppRow[]> {
    return this.db.selectFrom('apps').selectAll().orderBy('package_name').execute();
  }

  async insertVersion(version: Insertable<AppVersionTable>): Promise<void> {
    await this.db.insertInto('app_versions').values(version).execute();
  }

  async findVersion(id: string): Promise<AppVersionRow | undefined> {
    return this.db.selectFrom('app_versions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findVersionBySha256(fileSha256: string): Promise<AppVersionRow | undefined> {
    return this.db.selectFrom('app_versions').selectAll().where('file_sha256', '=', fileSha256).executeTakeFirst();
  }

  /** Lists an app's versions, highest versionCode first. */
  async listVersions(appId: string): Promise<AppVersionRow[]> {
    return this.db
      .selectFrom('app_versions')
      .selectAll()
      .where('app_id', '=', appId)
      .orderBy('version_code', 'desc')
      .execute();
  }

  async listAllVersions(): Promise<AppVersionRow[]> {
    return this.db.selectFrom('app_versions').selectAll().orderBy('version_code', 'desc').execute();
  }

  async findVersionWithPackage(id: string): Promise<AppVersionWithPackage | undefined> {
    return this.db
      .selectFrom('app_versions')
      .innerJoin('apps', 'apps.id', 'app_versions.app_id')
      .selectAll('app_versions')
      .select('apps.package_name')
      .where('app_versions.id', '=', id)
      .executeTakeFirst();
  }

  async findVersionByCode(appId: string, versionCode: number): Promise<AppVersionRow | undefined> {
    return this.db
      .selectFrom('app_versions')
      .selectAll()
      .where('app_id', '=', appId)
      .where('version_code', '=', versionCode)
      .executeTakeFirst();
  }

  /** Lists every version of the given packages, highest versionCode first within a package. */
  async listVersionsOfPackages(packageNames: readonly string[]): Promise<AppVersionWithPackage[]> {
    if (packageNames.length === 0) return [];

    return this.db
      .selectFrom('app_versions')
      .innerJoin('apps', 'apps.id', 'app_versions.app_id')
      .selectAll('app_versions')
      .select('apps.package_name')
      .where('apps.package_name', 'in', packageNames)
      .orderBy('apps.package_name')
      .orderBy('app_versions.version_code', 'desc')
      .execute();
  }

  /**
   * Inserts an uploaded version, and its app when `newApp` is given, in one
   * transaction, so a failed insert never leaves an app without versions.
   */
  async insertUploadedVersion(
    newApp: { id: string; packageName: string; label: string | null } | null,
    version: Insertable<AppVersionTable>,
    now = Date.now(),
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (newApp !== null) {
        await trx
          .insertInto('apps')
          .values({ id: newApp.id, package_name: newApp.packageName, label: newApp.label, created_at: now })
          .execute();
      }
      await trx.insertInto('app_versions').values(version).execute();
    });
  }

  /** Sets the app's display label, which follows its newest upload. */
  async updateAppLabel(appId: string, label: string): Promise<void> {
    await this.db.updateTable('apps').set({ label }).where('id', '=', appId).execute();
  }
}
