import type { ScheduledJob } from './job.js';

// A request that presents an expired session is rejected anyway, so the
// purge only reclaims space, and once an hour is enough.
const PURGE_SESSIONS_INTERVAL_MS = 60 * 60_000;

/** Deletes console sessions whose expiry time has passed. */
export function purgeExpiredSessionsJob(intervalMs = PURGE_SESSIONS_INTERVAL_MS): ScheduledJob {
  return {
    name: 'purge-expired-sessions',
    intervalMs,
    async run({ store, now }) {
      return { deleted: await store.users.deleteExpiredSessions(now) };
    },
  };
}
