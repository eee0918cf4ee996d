import { routePrefix, type OutpostConfig } from '../../config.js';

/** Path of an app version's file below the project prefix; the download route serves it. */
export function appFilePath(appVersionId: string, fileName: string): string {
  return `/files/apps/${encodeURIComponent(appVersionId)}/${encodeURIComponent(fileName)}`;
}

/**
 * Absolute download URL the agent fetches. It is built from the public URL,
 * never from the listen address, because phones reach Outpost through it.
 */
export function appDownloadUrl(config: OutpostConfig, appVersionId: string, fileName: string): string {
  return `${config.publicUrl.origin}${routePrefix(config)}${appFilePath(appVersionId, fileName)}`;
}
