import { randomBytes, randomUUID } from 'node:crypto';

import type { AppContext } from '../../../src/context.js';
import type { PushMessage } from '../../../src/push/push-hub.js';

/**
 * Inserts an app version row without a file, for tests that need a
 * version to reference but never download it. Returns the version id.
 */
export async function insertAppVersion(
  ctx: AppContext,
  packageName: string,
  versionCode: number,
  versionName: string | null = String(versionCode),
): Promise<string> {
  const existing = await ctx.store.apps.findAppByPackage(packageName);
  const appId = existing?.id ?? randomUUID();
  const versionId = randomUUID();
  const sha256 = randomBytes(32).toString('hex');

  await ctx.store.apps.insertUploadedVersion(existing ? null : { id: appId, packageName, label: packageName }, {
    id: versionId,
    app_id: appId,
    version_code: versionCode,
    version_name: versionName,
    min_sdk: 21,
    target_sdk: 34,
    label: packageName,
    size: 1000,
    file_sha256: sha256,
    signer_sha256: randomBytes(32).toString('hex'),
    signature_schemes: 'v2',
    blob_key: `${sha256}.apk`,
    file_name: `${packageName}-${versionCode}.apk`,
    created_at: ctx.now(),
    created_by: 'test',
  });
  return versionId;
}

/** Records every push notification the server sends from now on. */
export function recordPushes(ctx: AppContext): Array<{ deviceIds: string[]; message: PushMessage }> {
  const pushes: Array<{ deviceIds: string[]; message: PushMessage }> = [];
  const original = ctx.push.notify.bind(ctx.push);
  ctx.push.notify = (deviceIds, message) => {
    pushes.push({ deviceIds: [...deviceIds], message });
    original(deviceIds, message);
  };
  return pushes;
}
