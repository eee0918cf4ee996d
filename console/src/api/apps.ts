import {
  ApiError,
  apiUrl,
  csrfHeaders,
  errorFromResponse,
  NETWORK_ERROR_STATUS,
  notifyUnauthorized,
  request,
} from './client.js';
import type { App, AppVersion } from './types.js';

/** Returns the catalogue, each app's versions highest versionCode first. */
export function fetchApps(): Promise<App[]> {
  return request<App[]>('GET', 'apps');
}

export function appVersionDownloadUrl(versionId: string): string {
  return apiUrl(`apps/versions/${encodeURIComponent(versionId)}/download`);
}

export interface UploadResult {
  app: App;
  version: AppVersion;
}

const APK_MEDIA_TYPE = 'application/vnd.android.package-archive';

/**
 * Uploads an APK as the raw request body. It uses XMLHttpRequest because
 * fetch reports no upload progress; `onProgress` gets a fraction from 0 to 1.
 * Rejects with ApiError: 409 duplicate or signer change, 413 too large, 422 not an APK, or
 * status 0 when the connection fails.
 */
export function uploadApk(
  file: File,
  onProgress: (fraction: number) => void,
  options: { confirmSignerChange?: boolean } = {},
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    // Without confirmSignerChange an APK signed by another key than the
    // package's earlier versions gets 409 signer_changed.
    const query = { fileName: file.name, confirmSignerChange: options.confirmSignerChange ? true : undefined };
    xhr.open('POST', apiUrl('apps/upload', query));
    xhr.setRequestHeader('Content-Type', APK_MEDIA_TYPE);
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeaders('POST'))) xhr.setRequestHeader(name, value);

    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });

    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as UploadResult);
        return;
      }
      if (xhr.status === 401) notifyUnauthorized();
      reject(errorFromResponse(xhr.status, xhr.responseText));
    });
    xhr.addEventListener('error', () => reject(new ApiError(NETWORK_ERROR_STATUS, 'network_error', 'upload failed')));
    xhr.addEventListener('abort', () => reject(new ApiError(NETWORK_ERROR_STATUS, 'aborted', 'upload aborted')));

    xhr.send(file);
  });
}
