import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../domain/errors.js';
import type { AppVersionRow } from '../../store/schema.js';
import { toAppView, type AppView } from './app-view.js';

/** Lists every app with its versions, highest versionCode first. */
export async function listApps(ctx: AppContext, caller: Caller): Promise<AppView[]> {
  requireRole(caller, 'viewer');

  const apps = await ctx.store.apps.listApps();
  const versions = await ctx.store.apps.listAllVersions();

  const versionsByApp = new Map<string, AppVersionRow[]>();
  for (const version of versions) {
    const list = versionsByApp.get(version.app_id) ?? [];
    list.push(version);
    versionsByApp.set(version.app_id, list);
  }
  return apps.map((app) => toAppView(app, versionsByApp.get(app.id) ?? []));
}

export interface AppVersionFile {
  path: string;
  fileName: string;
  size: number;
}

/** Returns where an uploaded APK is stored, for download. */
export async function getAppVersionFile(ctx: AppContext, caller: Caller, versionId: string): Promise<AppVersionFile> {
  requireRole(caller, 'viewer');

  const version = await ctx.store.apps.findVersion(versionId);
  if (!version) {
    throw new NotFoundError(`App version ${versionId} was not found. Take the version id from the app list.`, 'params.id');
  }
  if (!(await ctx.blobs.exists(version.blob_key))) {
    ctx.logger.error({ versionId, blobKey: version.blob_key }, 'stored APK file is missing');
    throw new NotFoundError(`The file of app version ${versionId} is missing from storage; restore the data directory from a backup.`, 'params.id');
  }
  return { path: ctx.blobs.pathOf(version.blob_key), fileName: version.file_name, size: version.size };
}
