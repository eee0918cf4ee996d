import type { AppRow, AppVersionRow } from '../../store/schema.js';

export interface AppVersionView {
  id: string;
  versionCode: number;
  versionName: string | null;
  minSdk: number | null;
  targetSdk: number | null;
  size: number;
  fileSha256: string;
  signerSha256: string;
  signatureSchemes: string[];
  fileName: string;
  createdAt: number;
}

export interface AppView {
  id: string;
  packageName: string;
  label: string | null;
  /** Highest versionCode first. */
  versions: AppVersionView[];
}

/** Stores signature schemes as one comma-separated column value, e.g. "v2,v3". */
export function formatSignatureSchemes(schemes: readonly string[]): string {
  return schemes.join(',');
}

export function toAppVersionView(row: AppVersionRow): AppVersionView {
  return {
    id: row.id,
    versionCode: row.version_code,
    versionName: row.version_name,
    minSdk: row.min_sdk,
    targetSdk: row.target_sdk,
    size: row.size,
    fileSha256: row.file_sha256,
    signerSha256: row.signer_sha256,
    signatureSchemes: row.signature_schemes === '' ? [] : row.signature_schemes.split(','),
    fileName: row.file_name,
    createdAt: row.created_at,
  };
}

export function toAppView(app: AppRow, versions: readonly AppVersionRow[]): AppView {
  const newestFirst = [...versions].sort((a, b) => b.version_code - a.version_code);
  return { id: app.id, packageName: app.package_name, label: app.label, versions: newestFirst.map(toAppVersionView) };
}
