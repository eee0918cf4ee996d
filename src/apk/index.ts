import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';

import { ApkError, MalformedDataError } from './errors.js';
import { readJarSignerCertificate } from './jar-signature.js';
import { MAX_MANIFEST_BYTES, MAX_RESOURCE_TABLE_BYTES } from './limits.js';
import { hasResourceReference, readManifestValues, resolveManifest, type ManifestInfo, type ManifestValues } from './manifest.js';
import { ResourceTable } from './resource-table.js';
import { readSigningBlockCertificates } from './signing-block.js';
import { readCertificateNames } from './x509.js';
import { readZipDirectory, readZipEntry, type ZipDirectory } from './zip.js';

export { ApkError, type ApkErrorCode } from './errors.js';

const MANIFEST_ENTRY = 'AndroidManifest.xml';
const RESOURCE_TABLE_ENTRY = 'resources.arsc';
/** Manifest path inside an Android App Bundle (.aab), used to name a bundle uploaded in place of an APK. */
const BUNDLE_MANIFEST_ENTRY = 'base/manifest/AndroidManifest.xml';

export type SignatureScheme = 'v1' | 'v2' | 'v3';

export interface ApkInfo {
  packageName: string;
  /**
   * Android's long version code, as PackageInfo.getLongVersionCode() returns:
   * versionCodeMajor × 2^32 plus versionCode read as unsigned. It equals
   * versionCode for apps without versionCodeMajor, and is 0 when absent.
   */
  versionCode: number;
  versionName: string | null;
  /** Null when uses-sdk does not declare it (Android then assumes 1) or gives a preview codename. */
  minSdk: number | null;
  /** Null when uses-sdk does not declare it (Android then assumes minSdk) or gives a preview codename. */
  targetSdk: number | null;
  /** The application label, resolved through resources.arsc when the manifest gives a reference. */
  label: string | null;
  /** Every scheme whose signature data is present, in the order v1, v2, v3. */
  signatureSchemes: SignatureScheme[];
  /**
   * Lower-case hex SHA-256 of the first signer's DER certificate. It comes
   * from the newest scheme present (v3, then v2, then v1), because Android
   * uses that one. After a v3 key rotation it is the newest key's certificate.
   */
  signerCertSha256: string;
  /** The certificate's subject as apksigner prints it, e.g. "C=US, O=Android, CN=Android Debug"; null when it cannot be parsed. */
  signerCertSubject: string | null;
  fileSha256: string;
  size: number;
}

/**
 * Reads an APK's package identity, version, label and signer. It reads the
 * ZIP directory, manifest, resource table and signatures with positioned
 * reads under fixed size limits, then hashes the whole file as a stream.
 * Raises ApkError for any file that is not a readable, signed APK.
 */
export async function readApk(filePath: string): Promise<ApkInfo> {
  let file: FileHandle;
  try {
    // The stat comes first because opening a FIFO for reading would block until a writer appears.
    const stats = await stat(filePath);
    if (!stats.isFile()) {
      throw new ApkError('unreadable', 'The upload is not a regular file. Upload the .apk file built for Android.');
    }
    file = await open(filePath, 'r');
  } catch (error) {
    throw asIoError(error);
  }

  try {
    const size = (await file.stat()).size;
    const identity = await readIdentity(file, size);
    const fileSha256 = await hashFile(file, size);
    return { ...identity, fileSha256, size };
  } catch (error) {
    throw asIoError(error);
  } finally {
    await file.close();
  }
}

/** Converts a hex digest to URL-safe Base64 with '=' padding, the form Android provisioning checksums take. */
export function toUrlSafeBase64(hex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) {
    throw new RangeError(`Expected an even-length hex string, got "${hex}".`);
  }
  return Buffer.from(hex, 'hex').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

async function readIdentity(file: FileHandle, size: number): Promise<Omit<ApkInfo, 'fileSha256' | 'size'>> {
  const directory = await readZipDirectory(file, size);
  const manifest = await readManifest(file, directory);
  const signer = await readSigner(file, directory);
  return { ...manifest, ...signer };
}

async function readManifest(file: FileHandle, directory: ZipDirectory): Promise<ManifestInfo> {
  const manifestEntries = directory.entries.filter((entry) => entry.name === MANIFEST_ENTRY);
  const manifestEntry = manifestEntries[0];
  if (manifestEntry === undefined) {
    if (directory.entries.some((entry) => entry.name === BUNDLE_MANIFEST_ENTRY)) {
      throw new ApkError(
        'no_manifest',
        'The file is an Android App Bundle (.aab), not an APK. Upload the .apk file, for example the universal APK that bundletool builds from the bundle.',
      );
    }
    throw new ApkError(
      'no_manifest',
      'The file is a ZIP archive but not an APK: it contains no AndroidManifest.xml. Upload the .apk file built for Android.',
    );
  }
  if (manifestEntries.length > 1) {
    // Two parsers could each pick a different copy, so Android rejects such files too.
    throw new ApkError('invalid_manifest', 'The APK contains AndroidManifest.xml twice. Rebuild the APK and upload it again.');
  }

  const manifestBytes = await readZipEntry(file, directory, manifestEntry, {
    description: MANIFEST_ENTRY,
    maxBytes: MAX_MANIFEST_BYTES,
    damagedCode: 'invalid_manifest',
  });
  const values = readManifestValues(manifestBytes);
  const table = hasResourceReference(values) ? await readResourceTable(file, directory) : null;
  return resolveWithTable(values, table);
}

async function readResourceTable(file: FileHandle, directory: ZipDirectory): Promise<ResourceTable | null> {
  const entry = directory.entries.find((candidate) => candidate.name === RESOURCE_TABLE_ENTRY);
  if (entry === undefined) {
    return null;
  }
  const bytes = await readZipEntry(file, directory, entry, {
    description: RESOURCE_TABLE_ENTRY,
    maxBytes: MAX_RESOURCE_TABLE_BYTES,
    damagedCode: 'unreadable',
  });
  try {
    return new ResourceTable(bytes);
  } catch (error) {
    throw asDamagedResourceTable(error);
  }
}

function resolveWithTable(values: ManifestValues, table: ResourceTable | null): ManifestInfo {
  try {
    return resolveManifest(values, table);
  } catch (error) {
    throw asDamagedResourceTable(error);
  }
}

async function readSigner(
  file: FileHandle,
  directory: ZipDirectory,
): Promise<Pick<ApkInfo, 'signatureSchemes' | 'signerCertSha256' | 'signerCertSubject'>> {
  const blockCertificates = await readSigningBlockCertificates(file, directory);
  const jarCertificate = await readJarSignerCertificate(file, directory);

  const signatureSchemes: SignatureScheme[] = [];
  if (jarCertificate !== null) signatureSchemes.push('v1');
  if (blockCertificates.v2 !== null) signatureSchemes.push('v2');
  if (blockCertificates.v3 !== null) signatureSchemes.push('v3');

  const certificate = blockCertificates.v3 ?? blockCertificates.v2 ?? jarCertificate;
  if (certificate === null) {
    throw new ApkError(
      'unsigned',
      'The APK is not signed: it has no APK Signing Block and no META-INF signature file. Sign it with apksigner, or upload the signed release build.',
    );
  }
  return {
    signatureSchemes,
    signerCertSha256: createHash('sha256').update(certificate).digest('hex'),
    signerCertSubject: readSubjectOrNull(certificate),
  };
}

function readSubjectOrNull(certificate: Buffer): string | null {
  try {
    return readCertificateNames(certificate).subject;
  } catch (error) {
    if (error instanceof MalformedDataError) {
      return null;
    }
    throw error;
  }
}

/** Hashes the file through a stream so that memory use stays flat for any file size. */
async function hashFile(file: FileHandle, size: number): Promise<string> {
  const hash = createHash('sha256');
  let hashedBytes = 0;
  for await (const chunk of file.createReadStream({ start: 0, autoClose: false })) {
    if (!(chunk instanceof Buffer)) {
      throw new TypeError('Expected Buffer chunks from a file stream without encoding.');
    }
    hash.update(chunk);
    hashedBytes += chunk.length;
  }
  if (hashedBytes !== size) {
    throw new ApkError('unreadable', `The file changed from ${size} to ${hashedBytes} bytes while it was being read. Upload it again.`);
  }
  return hash.digest('hex');
}

function asDamagedResourceTable(error: unknown): unknown {
  if (error instanceof MalformedDataError) {
    return new ApkError(
      'unreadable',
      `resources.arsc in the APK is damaged: ${error.message}. Rebuild the APK and upload it again.`,
      { cause: error },
    );
  }
  return error;
}

/** Turns file-system errors (ENOENT, EACCES, EIO, ...) into ApkError and passes other errors through. */
function asIoError(error: unknown): unknown {
  if (error instanceof ApkError || !(error instanceof Error) || !('errno' in error)) {
    return error;
  }
  const code = 'code' in error && typeof error.code === 'string' ? error.code : 'unknown error';
  return new ApkError('unreadable', `The uploaded file could not be read (${code}). Upload it again.`, { cause: error });
}
