import type { Readable } from 'node:stream';

import { ApkError, readApk, type ApkInfo } from '../../apk/index.js';
import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import { BlobTooLargeError, type StagedBlob } from '../../blobs/blob-store.js';
import type { AppContext } from '../../context.js';
import { ConflictError, PayloadTooLargeError, UnprocessableError } from '../../domain/errors.js';
import { newId } from '../../store/ids.js';
import { formatSignatureSchemes, toAppView, toAppVersionView, type AppVersionView, type AppView } from './app-view.js';

export interface UploadInput {
  body: Readable;
  /** File name the uploader gave; cleaned up, or derived from the package when absent. */
  fileName: string | undefined;
  /** Content-Length of the request, when the client sent one. */
  declaredBytes: number | undefined;
  /** Accept a signer other than that of the package's earlier versions; audited. */
  confirmSignerChange?: boolean;
  /** Lower-case hex SHA-256 the file must have, e.g. from a release listing. */
  expectedSha256?: string;
}

// File names appear in download URLs, so they keep to characters that need
// no escaping in a URL path; 120 characters fit any real APK name.
const MAX_FILE_NAME_LENGTH = 120;

/**
 * Stores an uploaded APK: streams it to a temporary file under the upload
 * limit, reads its manifest and signer, rejects duplicates, then moves the
 * file under `<sha256>.apk` and records the app and version.
 */
export async function uploadApp(
  ctx: AppContext,
  caller: Caller,
  input: UploadInput,
): Promise<{ app: AppView; version: AppVersionView }> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Uploading an app');

  const maxBytes = ctx.config.maxUploadBytes;
  if (input.declaredBytes !== undefined && input.declaredBytes > maxBytes) throw tooLarge(maxBytes);

  const staged = await stageUpload(ctx, input.body, maxBytes);
  let committed = false;
  try {
    const info = await readUploadedApk(staged);
    checkExpectedSha256(info, input.expectedSha256);
    const version = await checkNewVersion(ctx, info, input.confirmSignerChange === true);

    await ctx.blobs.commit(staged, `${info.fileSha256}.apk`);
    committed = true;
    return await recordVersion(ctx, caller, info, version.existingAppId, cleanFileName(input.fileName, info));
  } finally {
    if (!committed) await ctx.blobs.discard(staged.tempPath);
  }
}

async function stageUpload(ctx: AppContext, body: Readable, maxBytes: number): Promise<StagedBlob> {
  try {
    return await ctx.blobs.stage(body, maxBytes);
  } catch (error) {
    if (error instanceof BlobTooLargeError) throw tooLarge(maxBytes);
    throw error;
  }
}

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `The APK is larger than the upload limit of ${maxBytes} bytes. Raise OUTPOST_MAX_UPLOAD_BYTES if the file is genuine.`,
  );
}

async function readUploadedApk(staged: StagedBlob): Promise<ApkInfo> {
  try {
    return await readApk(staged.tempPath);
  } catch (error) {
    if (error instanceof ApkError) throw new UnprocessableError(`invalid_apk_${error.code}`, error.message);
    throw error;
  }
}

function checkExpectedSha256(info: ApkInfo, expected: string | undefined): void {
  if (expected === undefined || expected.toLowerCase() === info.fileSha256) return;

  throw new UnprocessableError(
    'sha256_mismatch',
    `The file's SHA-256 is ${info.fileSha256}, not the expected ${expected.toLowerCase()}. ` +
      'The download was altered or the wrong file was given; check the source and the hash.',
    'body.sha256',
  );
}

/**
 * Rejects a file already uploaded, a second file with a versionCode the
 * package already has, and, unless confirmed, a signer other than that of
 * the package's earlier versions.
 */
async function checkNewVersion(ctx: AppContext, info: ApkInfo, confirmSignerChange: boolean): Promise<{ existingAppId: string | null }> {
  const duplicate = await ctx.store.apps.findVersionBySha256(info.fileSha256);
  if (duplicate) {
    throw new ConflictError(
      'duplicate_apk',
      `This file is already uploaded as ${info.packageName} version ${describeVersion(duplicate)} (app version id ${duplicate.id}).`,
    );
  }

  const app = await ctx.store.apps.findAppByPackage(info.packageName);
  if (!app) return { existingAppId: null };

  const sameCode = await ctx.store.apps.findVersionByCode(app.id, info.versionCode);
  if (sameCode) {
    throw new ConflictError(
      'duplicate_version_code',
      `${info.packageName} already has versionCode ${info.versionCode} (app version id ${sameCode.id}) with different content. ` +
        'Android installs an update only with a higher versionCode, so build the new APK with one.',
    );
  }

  const earlier = await ctx.store.apps.listVersions(app.id);
  const otherSigner = earlier.find((version) => version.signer_sha256 !== info.signerCertSha256);
  if (otherSigner && !confirmSignerChange) {
    throw new ConflictError(
      'signer_changed',
      `${info.packageName} versions so far are signed by certificate SHA-256 ${otherSigner.signer_sha256}, ` +
        `but this APK by ${info.signerCertSha256}. Android refuses to update an installed app to a version ` +
        'signed by another key, so phones running the package could only get it after an uninstall that erases app data. ' +
        'If this is deliberate, send the upload again with confirmSignerChange=true.',
    );
  }
  return { existingAppId: app.id };
}

function describeVersion(version: { version_code: number; version_name: string | null }): string {
  return version.version_name === null
    ? `versionCode ${version.version_code}`
    : `${version.version_name} (versionCode ${version.version_code})`;
}

async function recordVersion(
  ctx: AppContext,
  caller: Caller,
  info: ApkInfo,
  existingAppId: string | null,
  fileName: string,
): Promise<{ app: AppView; version: AppVersionView }> {
  const now = ctx.now();
  const appId = existingAppId ?? newId();
  const versionId = newId();

  // Android rejects an update signed by another key, so a confirmed signer
  // change is recorded in the audit trail and logged: it explains devices
  // that stop updating.
  const previous = existingAppId === null ? [] : await ctx.store.apps.listVersions(existingAppId);
  const signerChanged = previous.some((version) => version.signer_sha256 !== info.signerCertSha256);

  await ctx.store.apps.insertUploadedVersion(
    existingAppId === null ? { id: appId, packageName: info.packageName, label: info.label } : null,
    {
      id: versionId,
      app_id: appId,
      version_code: info.versionCode,
      version_name: info.versionName,
      min_sdk: info.minSdk,
      target_sdk: info.targetSdk,
      label: info.label,
      size: info.size,
      file_sha256: info.fileSha256,
      signer_sha256: info.signerCertSha256,
      signature_schemes: formatSignatureSchemes(info.signatureSchemes),
      blob_key: `${info.fileSha256}.apk`,
      file_name: fileName,
      created_at: now,
      created_by: caller.username,
    },
    now,
  );
  const newest = previous[0];
  if (existingAppId !== null && info.label !== null && (!newest || info.versionCode > newest.version_code)) {
    await ctx.store.apps.updateAppLabel(existingAppId, info.label);
  }

  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: 'app.upload',
      targetType: 'app_version',
      targetId: versionId,
      details: {
        packageName: info.packageName,
        versionCode: info.versionCode,
        versionName: info.versionName,
        fileSha256: info.fileSha256,
        size: info.size,
        signerChanged,
      },
    },
    now,
  );
  if (signerChanged) {
    ctx.logger.warn({ packageName: info.packageName, versionId }, 'uploaded APK has a different signer than earlier versions');
  }

  const app = await ctx.store.apps.findAppByPackage(info.packageName);
  const version = await ctx.store.apps.findVersion(versionId);
  if (!app || !version) throw new Error(`App version ${versionId} vanished right after it was inserted`);
  return { app: toAppView(app, await ctx.store.apps.listVersions(app.id)), version: toAppVersionView(version) };
}

/** Keeps the base name, replaces characters a URL path would need escaped, and falls back to `<package>-<versionCode>.apk`. */
function cleanFileName(requestedName: string | undefined, info: ApkInfo): string {
  const baseName = (requestedName ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = baseName
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-MAX_FILE_NAME_LENGTH);
  return cleaned === '' ? `${info.packageName}-${info.versionCode}.apk` : cleaned;
}
