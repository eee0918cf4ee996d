import type { ScheduledJob } from './job.js';

// Devices never receive an overdue command, because listOpen leaves it out,
// so this job only brings the stored state in line. Running every minute
// keeps the console's command states at most a minute behind.
const EXPIRE_COMMANDS_INTERVAL_MS = 60_000;

/** Marks queued or sent commands whose expiry time has passed as 'expired'. */
export function expireCommandsJob(intervalMs = EXPIRE_COMMANDS_INTERVAL_MS): ScheduledJob {
  return {
    name: 'expire-commands',
    intervalMs,
    async run({ store, now }) {
      return { expired: await store.commands.expireOverdue(now) };
    },
  };
}
