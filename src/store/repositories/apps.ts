import type { Insertable } from 'kysely';

import type { Db } from '../database.js';
import type { AppRow, AppVersionRow, AppVersionTable } from '../schema.js';

/** The app catalogue: packages and every uploaded version of each. */
export class AppRepository {
  constructor(private readonly db: Db) {}

  async findAppByPackage(packageName: string): Promise<AppRow | undefined> {
    return this.db.selectFrom('apps').selectAll().where('package_name', '=', packageName).executeTakeFirst();
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
}
