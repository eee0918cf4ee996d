import fs from 'node:fs';

import type { AppContext } from '../../context.js';

/** A stored app file, as the download route serves it. */
export interface AppFile {
  appVersionId: string;
  path: string;
  size: number;
  /** Hex SHA-256 of the file, recorded at upload. */
  sha256: string;
  fileName: string;
  uploadedAt: number;
  /** Key of the file in blob storage, also its name under an X-Accel-Redirect location. */
  blobKey: string;
}

export class AppFileMissingError extends Error {
  constructor(readonly appVersionId: string, readonly blobKey: string) {
    super(`The file of app version ${appVersionId} (blob ${blobKey}) is missing from storage.`);
  }
}

/**
 * Finds the file of an app version by the id and file name of its URL.
 * Returns null when no version matches both. Throws AppFileMissingError
 * when the version exists but its blob does not.
 */
export async function findAppFile(ctx: AppContext, appVersionId: string, fileName: string): Promise<AppFile | null> {
  const version = await ctx.store.apps.findVersion(appVersionId);
  if (!version || version.file_name !== fileName) return null;

  const path = ctx.blobs.pathOf(version.blob_key);
  let size: number;
  try {
    size = (await fs.promises.stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AppFileMissingError(version.id, version.blob_key);
    throw error;
  }

  return {
    appVersionId: version.id,
    path,
    size,
    sha256: version.file_sha256,
    fileName: version.file_name,
    uploadedAt: version.created_at,
    blobKey: version.blob_key,
  };
}
