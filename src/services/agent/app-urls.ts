import { routePrefix, type OutpostConfig } from '../../config.js';

/** Path of an app version's file below the project prefix; the download route serves it. */
export function appFilePath(appVersionId: string, fileName: string): string {
  return `/files/apps/${encodeURIComponent(appVersionId)}/${encodeURIComponent(fileName)}`;
}

/**
 * Path of an app version's file as one device downloads it. The agent sends
 * no device id with a download, so the id travels in the path, before the
 * file name, which stays the last segment.
 */
export function deviceAppFilePath(appVersionId: string, deviceId: string, fileName: string): string {
  return `/files/apps/${encodeURIComponent(appVersionId)}/${encodeURIComponent(deviceId)}/${encodeURIComponent(fileName)}`;
}

/**
 * Absolute download URL the agent fetches. It is built from the public URL,
 * never from the listen address, because phones reach Outpost through it.
 */
export function appDownloadUrl(config: OutpostConfig, appVersionId: string, fileName: string): string {
  return `${config.publicUrl.origin}${routePrefix(config)}${appFilePath(appVersionId, fileName)}`;
}

/** Absolute download URL of an app version for one device; see deviceAppFilePath. */
export function deviceAppDownloadUrl(config: OutpostConfig, appVersionId: string, deviceId: string, fileName: string): string {
  return `${config.publicUrl.origin}${routePrefix(config)}${deviceAppFilePath(appVersionId, deviceId, fileName)}`;
}
