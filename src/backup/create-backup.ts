import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from 'pino';
import { create as createTar } from 'tar';

import {
  BACKUP_FORMAT_VERSION,
  BLOB_OBJECTS_DIR,
  DATABASE_NAME,
  MANIFEST_NAME,
  type BackupFile,
  type BackupManifest,
} from './archive-layout.js';
import { hashFile } from './file-hash.js';
import { snapshotSqlite, summariseSqlite } from './sqlite-snapshot.js';

export interface BackupSource {
  /** SQLite database file of the running or stopped server. */
  databaseFile: string;
  /** Directory with `objects/` and `tmp/`, as the blob store lays it out. */
  blobsDir: string;
}

/**
 * An upload records its app version in the database first and renames the
 * file into blobs/objects a moment later, so a snapshot may name a file that
 * is not there yet. The backup waits this long for such files to appear.
 */
const MISSING_BLOB_WAIT_MS = 30_000;
const MISSING_BLOB_POLL_MS = 250;

/**
 * Writes a backup archive of a data directory while the server may be
 * running: first a consistent copy of the database, then every blob, the
 * ones the copy refers to included. The archive is written under a
 * temporary name and renamed at the end, so `outFile` is never half written.
 */
export async function createBackup(source: BackupSource, outFile: string, logger: Logger, now = Date.now): Promise<BackupManifest> {
  // Staging beside the archive keeps the copy on the disk the operator chose
  // for backups, not on a /tmp that may be small or in memory.
  const outDir = path.dirname(path.resolve(outFile));
  await fs.promises.mkdir(outDir, { recursive: true });
  const staging = await fs.promises.mkdtemp(path.join(outDir, '.outpost-backup-'));
  try {
    logger.info({ database: source.databaseFile, staging }, 'backup started');
    const databaseCopy = path.join(staging, DATABASE_NAME);
    const createdAt = now();
    snapshotSqlite(source.databaseFile, databaseCopy);
    const summary = summariseSqlite(databaseCopy);

    await waitForBlobs(source.blobsDir, summary.blobKeys, logger);
    const blobs = await stageBlobs(source.blobsDir, staging);

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT_VERSION,
      createdAt,
      migrations: summary.migrations,
      rowCounts: summary.rowCounts,
      database: { path: DATABASE_NAME, ...(await hashFile(databaseCopy)) },
      blobs,
    };
    await fs.promises.writeFile(path.join(staging, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);

    await writeArchive(staging, outFile);
    logger.info({ out: outFile, blobs: blobs.length, devices: summary.rowCounts.devices }, 'backup written');
    return manifest;
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}

async function waitForBlobs(blobsDir: string, keys: string[], logger: Logger): Promise<void> {
  const deadline = Date.now() + MISSING_BLOB_WAIT_MS;
  let missing = keys.filter((key) => !fs.existsSync(path.join(blobsDir, 'objects', key)));

  while (missing.length > 0 && Date.now() < deadline) {
    logger.info({ missing: missing.length }, 'waiting for uploads in progress to finish');
    await sleep(MISSING_BLOB_POLL_MS);
    missing = missing.filter((key) => !fs.existsSync(path.join(blobsDir, 'objects', key)));
  }
  if (missing.length > 0) {
    throw new Error(
      `The database refers to ${missing.length} APK file(s) missing from ${path.join(blobsDir, 'objects')}, ` +
        `for example ${missing[0]}. Check --data-dir; if the files are lost, upload those APKs again before backing up.`,
    );
  }
}

/**
 * Links (or, across file systems, copies) every stored blob into the
 * staging directory and returns their hashes. Blobs never change under a
 * key, so a link is as good as a copy and costs no space.
 */
async function stageBlobs(blobsDir: string, staging: string): Promise<BackupFile[]> {
  const objectsDir = path.join(blobsDir, 'objects');
  const targetDir = path.join(staging, BLOB_OBJECTS_DIR);
  await fs.promises.mkdir(targetDir, { recursive: true });

  const names = fs.existsSync(objectsDir) ? (await fs.promises.readdir(objectsDir)).sort() : [];
  const files: BackupFile[] = [];
  for (const name of names) {
    const from = path.join(objectsDir, name);
    const to = path.join(targetDir, name);
    if (!(await fs.promises.stat(from)).isFile()) continue;

    try {
      await fs.promises.link(from, to);
    } catch {
      await fs.promises.copyFile(from, to);
    }
    files.push({ path: `${BLOB_OBJECTS_DIR}/${name}`, ...(await hashFile(to)) });
  }
  return files;
}

async function writeArchive(staging: string, outFile: string): Promise<void> {
  const partial = `${outFile}.partial`;
  try {
    // The manifest goes first so a reader can check the rest as it streams.
    await createTar({ gzip: true, file: partial, cwd: staging, portable: true }, [MANIFEST_NAME, DATABASE_NAME, 'blobs']);
    await fs.promises.rename(partial, outFile);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
}
