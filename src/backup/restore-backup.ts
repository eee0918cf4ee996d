import fs from 'node:fs';
import path from 'node:path';

import type { Logger } from 'pino';
import { extract as extractTar, type ReadEntry } from 'tar';

import {
  DATABASE_NAME,
  InvalidBackupError,
  isArchivePath,
  MANIFEST_NAME,
  parseManifest,
  type BackupFile,
  type BackupManifest,
} from './archive-layout.js';
import { hashFile } from './file-hash.js';
import { checkSqliteIntegrity } from './sqlite-snapshot.js';

export interface RestoreTarget {
  dataDir: string;
  /** SQLite file the server opens; by default outpost.sqlite in the data directory. */
  databaseFile: string;
  /** Replace an existing database and blobs instead of rejecting the directory. */
  force: boolean;
}

export class DataDirNotEmptyError extends Error {}

/** Files of a SQLite database in WAL mode. */
function databaseFiles(databaseFile: string): string[] {
  return [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`];
}

/**
 * Restores a backup archive into a data directory. The archive is
 * extracted beside the target and every file checked against the manifest
 * before anything in the target changes. Without `force` a data directory
 * that contains any file is rejected. With it, the old database and blobs
 * are deleted and replaced. Stop the server first.
 */
export async function restoreBackup(archive: string, target: RestoreTarget, logger: Logger): Promise<BackupManifest> {
  if (!fs.existsSync(archive)) throw new Error(`The backup file ${archive} does not exist.`);
  refuseNonEmpty(target);

  // Extracting on the target's file system makes the final moves renames.
  const parent = path.dirname(path.resolve(target.dataDir));
  await fs.promises.mkdir(parent, { recursive: true });
  const staging = await fs.promises.mkdtemp(path.join(parent, '.outpost-restore-'));
  try {
    logger.info({ archive, staging }, 'restore started');
    await extractArchive(archive, staging);
    const manifest = await verifyExtracted(staging);

    await fs.promises.mkdir(target.dataDir, { recursive: true });
    await fs.promises.mkdir(path.dirname(path.resolve(target.databaseFile)), { recursive: true });
    for (const file of databaseFiles(target.databaseFile)) await fs.promises.rm(file, { force: true });
    const blobsDir = path.join(target.dataDir, 'blobs');
    await fs.promises.rm(blobsDir, { recursive: true, force: true });

    await fs.promises.rename(path.join(staging, DATABASE_NAME), target.databaseFile);
    await fs.promises.rename(path.join(staging, 'blobs'), blobsDir);
    logger.info({ dataDir: target.dataDir, blobs: manifest.blobs.length, createdAt: manifest.createdAt }, 'restore finished');
    return manifest;
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}

function refuseNonEmpty(target: RestoreTarget): void {
  if (target.force) return;

  const entries = fs.existsSync(target.dataDir) ? fs.readdirSync(target.dataDir) : [];
  const databaseExists = databaseFiles(target.databaseFile).some((file) => fs.existsSync(file));
  if (entries.length > 0 || databaseExists) {
    throw new DataDirNotEmptyError(
      `The data directory ${target.dataDir} is not empty${databaseExists ? ' and has a database' : ''}. ` +
        'Restore into an empty directory, or pass --force to delete its database and APK files and replace them.',
    );
  }
}

/**
 * Extracts only the paths an Outpost backup has, as plain files and
 * directories. tar already strips absolute paths and '..', and the filter
 * also drops links and device files, which a crafted archive could use to write
 * outside the staging directory.
 */
async function extractArchive(archive: string, staging: string): Promise<void> {
  const skipped: string[] = [];
  const keep = (entryPath: string, entry: ReadEntry | fs.Stats) => {
    const type = 'type' in entry ? entry.type : 'File';
    const allowed = (type === 'File' || type === 'Directory') && isArchivePath(entryPath);
    if (!allowed) skipped.push(entryPath);
    return allowed;
  };

  try {
    await extractTar({ file: archive, cwd: staging, strict: true, filter: keep, preserveOwner: false });
  } catch (error) {
    throw new InvalidBackupError(`The backup file ${archive} is not a readable Outpost backup: ${(error as Error).message}`);
  }
  if (skipped.length > 0) {
    throw new InvalidBackupError(`The backup file ${archive} contains unexpected entries, such as ${skipped[0]}.`);
  }
}

async function verifyExtracted(staging: string): Promise<BackupManifest> {
  const manifestPath = path.join(staging, MANIFEST_NAME);
  if (!fs.existsSync(manifestPath)) throw new InvalidBackupError(`The backup has no ${MANIFEST_NAME}; it is not an Outpost backup.`);
  const manifest = parseManifest(await fs.promises.readFile(manifestPath, 'utf8'));

  for (const file of [manifest.database, ...manifest.blobs]) await verifyFile(staging, file);
  checkSqliteIntegrity(path.join(staging, DATABASE_NAME));

  // The blob directory must exist even for a backup without APKs.
  await fs.promises.mkdir(path.join(staging, 'blobs', 'objects'), { recursive: true });
  await fs.promises.mkdir(path.join(staging, 'blobs', 'tmp'), { recursive: true });
  return manifest;
}

async function verifyFile(staging: string, file: BackupFile): Promise<void> {
  const filePath = path.join(staging, file.path);
  if (!fs.existsSync(filePath)) throw new InvalidBackupError(`The backup is missing ${file.path}, which its manifest lists.`);

  const actual = await hashFile(filePath);
  if (actual.sha256 !== file.sha256 || actual.size !== file.size) {
    throw new InvalidBackupError(`${file.path} in the backup is damaged: its SHA-256 does not match the manifest.`);
  }
}
