import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BlobStore } from '../../src/blobs/blob-store.js';
import { ORPHAN_MIN_AGE_MS, purgeOrphanBlobsJob } from '../../src/jobs/purge-orphan-blobs.js';
import { migrateToLatest, openDatabase, type Db } from '../../src/store/database.js';
import { createStore, type Store } from '../../src/store/store.js';

const HOUR_AGO = (Date.now() - ORPHAN_MIN_AGE_MS - 60_000) / 1000;
const referencedKey = `${'a'.repeat(64)}.apk`;
const orphanKey = `${'b'.repeat(64)}.apk`;
const freshKey = `${'c'.repeat(64)}.apk`;
const otherName = 'notes.txt';

let dir: string;
let db: Db;
let store: Store;
let blobs: BlobStore;

function writeBlob(name: string, mtimeSeconds: number): void {
  const file = path.join(dir, 'blobs', 'objects', name);
  fs.writeFileSync(file, 'apk bytes');
  fs.utimesSync(file, mtimeSeconds, mtimeSeconds);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-orphans-'));
  db = openDatabase(path.join(dir, 'outpost.sqlite'));
  await migrateToLatest(db);
  store = createStore(db);
  blobs = new BlobStore(path.join(dir, 'blobs'));

  const now = Date.now();
  await db.insertInto('apps').values({ id: 'app-1', package_name: 'com.dhis2', label: null, created_at: now }).execute();
  await db
    .insertInto('app_versions')
    .values({
      id: 'version-1',
      app_id: 'app-1',
      version_code: 1,
      version_name: '1',
      min_sdk: null,
      target_sdk: null,
      label: null,
      size: 9,
      file_sha256: 'a'.repeat(64),
      signer_sha256: 'd'.repeat(64),
      signature_schemes: 'v2',
      blob_key: referencedKey,
      file_name: 'dhis2.apk',
      created_at: now,
      created_by: 'test',
    })
    .execute();

  writeBlob(referencedKey, HOUR_AGO);
  writeBlob(orphanKey, HOUR_AGO);
  writeBlob(freshKey, Date.now() / 1000);
  writeBlob(otherName, HOUR_AGO);
});

afterAll(async () => {
  await db?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('orphan APK purge', () => {
  it('deletes only old files no version refers to', async () => {
    const job = purgeOrphanBlobsJob(blobs);
    const outcome = await job.run({ store, logger: pino({ level: 'silent' }), now: Date.now(), signal: new AbortController().signal });

    expect(outcome).toEqual({ deleted: 1 });
    expect(await blobs.exists(orphanKey)).toBe(false);
    expect(await blobs.exists(referencedKey)).toBe(true);
    // A file this young may belong to an upload that is about to record its version.
    expect(await blobs.exists(freshKey)).toBe(true);
    expect(fs.existsSync(path.join(dir, 'blobs', 'objects', otherName))).toBe(true);
  });
});
