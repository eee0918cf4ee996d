import { SNAPSHOT_TTL_MS } from '../services/admin/device-list.js';
import type { ScheduledJob } from './job.js';

// A device-list snapshot stores one row per matching device, tens of
// thousands for a large fleet. Purging every five minutes keeps at most about
// twenty minutes of snapshots: their 15-minute lifetime plus one interval.
const PURGE_LIST_SNAPSHOTS_INTERVAL_MS = 5 * 60_000;

/**
 * Deletes device-list snapshot rows older than the snapshot lifetime
 * (15 minutes), after which the device list rejects their cursors anyway.
 */
export function purgeListSnapshotsJob(intervalMs = PURGE_LIST_SNAPSHOTS_INTERVAL_MS): ScheduledJob {
  return {
    name: 'purge-list-snapshots',
    intervalMs,
    async run({ store, now }) {
      return { deleted: await store.devices.purgeListSnapshots(now - SNAPSHOT_TTL_MS) };
    },
  };
}
