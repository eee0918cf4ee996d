// Layout of an Outpost backup archive, a gzip-compressed tar file:
//
//   outpost-backup.json     the manifest below
//   outpost.sqlite          a consistent copy of the SQLite database
//   blobs/objects/<key>     every stored APK file, named by its SHA-256
//
// The manifest lists the SHA-256 of every file, so a restore can prove the
// archive is whole before it touches the data directory.

export const MANIFEST_NAME = 'outpost-backup.json';
export const DATABASE_NAME = 'outpost.sqlite';
export const BLOB_OBJECTS_DIR = 'blobs/objects';

/** Version of the archive layout. A restore rejects versions it does not know. */
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupFile {
  /** Path inside the archive, with forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: number;
  /** Milliseconds since the epoch when the database snapshot was taken. */
  createdAt: number;
  /** Names of the migrations applied to the database when it was copied. */
  migrations: string[];
  /** Rows per table in the database copy, for the operator to compare. */
  rowCounts: Record<string, number>;
  database: BackupFile;
  blobs: BackupFile[];
}

export class InvalidBackupError extends Error {}

/** True for the paths a restore extracts. Any other path in an archive makes the restore fail. */
export function isArchivePath(entryPath: string): boolean {
  const normalised = entryPath.replace(/^\.\//, '').replace(/\/$/, '');
  if (normalised === MANIFEST_NAME || normalised === DATABASE_NAME) return true;
  if (normalised === 'blobs' || normalised === BLOB_OBJECTS_DIR) return true;
  return isBlobPath(normalised);
}

/** True for `blobs/objects/<key>` with a key the blob store accepts. */
export function isBlobPath(entryPath: string): boolean {
  const prefix = `${BLOB_OBJECTS_DIR}/`;
  if (!entryPath.startsWith(prefix)) return false;
  const key = entryPath.slice(prefix.length);
  return /^[A-Za-z0-9._-]+$/.test(key) && key !== '.' && key !== '..';
}

/** Parses and checks a manifest's text; throws InvalidBackupError naming what is wrong. */
export function parseManifest(text: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidBackupError(`The backup manifest ${MANIFEST_NAME} is not valid JSON: ${(error as Error).message}`);
  }

  const manifest = value as Partial<BackupManifest>;
  if (manifest.format !== BACKUP_FORMAT_VERSION) {
    throw new InvalidBackupError(
      `Unsupported backup format ${JSON.stringify(manifest.format)}: this Outpost restores format ${BACKUP_FORMAT_VERSION}.`,
    );
  }
  if (!isBackupFile(manifest.database) || manifest.database.path !== DATABASE_NAME) {
    throw new InvalidBackupError(`The backup manifest has no valid entry for ${DATABASE_NAME}.`);
  }
  if (!Array.isArray(manifest.blobs) || !manifest.blobs.every((blob) => isBackupFile(blob) && isBlobPath(blob.path))) {
    throw new InvalidBackupError('The backup manifest has an invalid blob list.');
  }
  return manifest as BackupManifest;
}

function isBackupFile(value: unknown): value is BackupFile {
  const file = value as Partial<BackupFile> | null;
  return (
    typeof file === 'object' &&
    file !== null &&
    typeof file.path === 'string' &&
    typeof file.size === 'number' &&
    typeof file.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(file.sha256)
  );
}
