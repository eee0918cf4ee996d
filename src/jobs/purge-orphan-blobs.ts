import fs from 'node:fs';
import path from 'node:path';

import type { BlobStore } from '../blobs/blob-store.js';
import type { ScheduledJob } from './job.js';

// An upload renames its APK into place and inserts the app version a few
// milliseconds later. A file an hour old without a version is left from a
// crash between the two steps, never an upload still in progress.
export const ORPHAN_MIN_AGE_MS = 60 * 60_000;
const PURGE_ORPHAN_BLOBS_INTERVAL_MS = 6 * 60 * 60_000;
// Keys the upload writes: the SHA-256 of the APK in hex, then .apk.
const APK_KEY = /^[0-9a-f]{64}\.apk$/;
// Keys checked against the database per query.
const KEYS_PER_QUERY = 500;

/**
 * Deletes APK files that no app version refers to, once they are older
 * than ORPHAN_MIN_AGE_MS. A server killed after storing an upload's file
 * but before recording its version leaves such a file. Retrying the upload
 * reuses it, and otherwise this job removes it.
 */
export function purgeOrphanBlobsJob(blobs: BlobStore, intervalMs = PURGE_ORPHAN_BLOBS_INTERVAL_MS, minAgeMs = ORPHAN_MIN_AGE_MS): ScheduledJob {
  return {
    name: 'purge-orphan-blobs',
    intervalMs,
    async run({ store, now, signal, logger }) {
      // BlobStore keeps every object in one directory; pathOf of any valid key names it.
      const objectDir = path.dirname(blobs.pathOf('probe'));
      const keys = (await fs.promises.readdir(objectDir)).filter((name) => APK_KEY.test(name));

      let deleted = 0;
      for (let start = 0; start < keys.length && !signal.aborted; start += KEYS_PER_QUERY) {
        const batch = keys.slice(start, start + KEYS_PER_QUERY);
        const referenced = await store.retention.referencedBlobKeys(batch);
        for (const key of batch) {
          if (referenced.has(key)) continue;
          const file = blobs.pathOf(key);
          const stat = await fs.promises.stat(file).catch(() => null);
          if (!stat || now - stat.mtimeMs < minAgeMs) continue;

          await fs.promises.rm(file, { force: true });
          logger.warn({ blobKey: key, bytes: stat.size }, 'deleted an APK file that no app version refers to');
          deleted += 1;
        }
      }
      return { deleted };
    },
  };
}
