import type { AppContext } from '../context.js';
import { ServiceError } from '../domain/errors.js';
import { readApkSettings, writeApkDistribution } from '../services/admin/dhis2-apk.js';
import { readStoredConnection } from '../services/admin/dhis2-connection.js';
import { runDhis2Sync } from '../services/admin/dhis2-sync.js';
import { nextScheduledRun, readSyncSettings } from '../services/admin/dhis2-sync-status.js';
import type { JobOutcome, ScheduledJob } from './job.js';

// The job wakes every minute and syncs when the interval set in the console
// has passed, so a changed interval applies within a minute without a restart.
const DHIS2_SYNC_CHECK_INTERVAL_MS = 60_000;
// Rollout stages start on the minute, but DHIS2 Capture checks for updates
// only at its own metadata sync, so following rollouts every five minutes
// loses nothing and reads APK_DISTRIBUTION a dozen times an hour at most.
const APK_FOLLOW_INTERVAL_MS = 5 * 60_000;

/**
 * Synchronises org units and users from DHIS2 on the schedule set in the
 * console and, when writing is on, keeps Outpost's APK_DISTRIBUTION entries
 * in step with rollouts (never touching entries Outpost did not write).
 */
export function dhis2SyncJob(ctx: AppContext): ScheduledJob {
  let lastFollow = 0;

  return {
    name: 'dhis2-sync',
    intervalMs: DHIS2_SYNC_CHECK_INTERVAL_MS,
    async run({ signal, logger }): Promise<JobOutcome> {
      const outcome = { synced: 0, failed: 0, apkWrites: 0 };
      if (!(await readStoredConnection(ctx))) return outcome;

      const settings = await readSyncSettings(ctx);
      if (settings.enabled && (await nextScheduledRun(ctx, settings)) <= ctx.now()) {
        try {
          const run = await runDhis2Sync(ctx, { trigger: 'schedule', actor: 'system', signal });
          outcome.synced = run.state === 'succeeded' ? 1 : 0;
          outcome.failed = run.state === 'failed' ? 1 : 0;
        } catch (error) {
          // A manual run holds the sync lease; the next check tries again.
          if (!(error instanceof ServiceError)) throw error;
        }
      }

      if ((await readApkSettings(ctx)).writeEnabled && ctx.now() - lastFollow >= APK_FOLLOW_INTERVAL_MS) {
        lastFollow = ctx.now();
        try {
          const result = await writeApkDistribution(ctx, 'system', {});
          outcome.apkWrites = result.written ? 1 : 0;
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          logger.warn({ err: { code: error.code, message: error.message } }, 'dhis2 apk distribution follow failed');
        }
      }
      return outcome;
    },
  };
}
