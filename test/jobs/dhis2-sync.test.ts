import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../src/auth/caller.js';
import { dhis2SyncJob } from '../../src/jobs/dhis2-sync.js';
import { saveApkSettings } from '../../src/services/admin/dhis2-apk.js';
import { saveDhis2Connection } from '../../src/services/admin/dhis2-connection.js';
import { saveSyncSettings } from '../../src/services/admin/dhis2-sync-status.js';
import { changeRolloutState } from '../../src/services/rollouts/rollout-control.js';
import { createRollout } from '../../src/services/rollouts/rollout-create.js';
import { seedAppVersion } from '../agent-api/helpers.js';
import { createServiceContext, type ServiceContext } from '../services/admin/support/context.js';
import { startDhis2Standin, type Dhis2Standin } from '../support/dhis2-standin.js';

const admin: Caller = { userId: 'u1', username: 'alice', role: 'admin' };
const MINUTE = 60_000;

let ctx: ServiceContext;
let dhis2: Dhis2Standin;
let clock: number;

beforeEach(async () => {
  ctx = await createServiceContext();
  clock = Date.now();
  ctx.now = () => clock;
  dhis2 = await startDhis2Standin({ orgUnits: 300, users: 60 });
});

afterEach(async () => {
  await dhis2.close();
  await ctx.dispose();
});

function runJob(job: ReturnType<typeof dhis2SyncJob>) {
  return job.run({ store: ctx.store, logger: ctx.logger, now: clock, signal: new AbortController().signal });
}

describe('dhis2-sync job', () => {
  it('does nothing until a connection is saved', async () => {
    expect(await runJob(dhis2SyncJob(ctx))).toEqual({ synced: 0, failed: 0, apkWrites: 0 });
    expect(await ctx.store.dhis2SyncRuns.list(5)).toEqual([]);
  });

  it('syncs when the interval has passed, and not before', async () => {
    await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: dhis2.token });
    await saveSyncSettings(ctx, admin, { enabled: true, intervalMinutes: 30 });
    const job = dhis2SyncJob(ctx);

    expect(await runJob(job)).toMatchObject({ synced: 1 });
    clock += 29 * MINUTE;
    expect(await runJob(job)).toMatchObject({ synced: 0 });
    clock += 2 * MINUTE;
    expect(await runJob(job)).toMatchObject({ synced: 1 });

    const runs = await ctx.store.dhis2SyncRuns.list(5);
    expect(runs.map((run) => [run.trigger, run.actor, run.mode])).toEqual([
      ['schedule', 'system', 'incremental'],
      ['schedule', 'system', 'full'],
    ]);

    await saveSyncSettings(ctx, admin, { enabled: false, intervalMinutes: 30 });
    clock += 60 * MINUTE;
    expect(await runJob(job)).toMatchObject({ synced: 0 });
  });

  it('counts a failed scheduled run', async () => {
    await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: dhis2.token });
    dhis2.setMode('html');
    expect(await runJob(dhis2SyncJob(ctx))).toMatchObject({ synced: 0, failed: 1 });
  });

  it('follows rollouts in APK_DISTRIBUTION when writing is on', async () => {
    await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: dhis2.token });
    await saveSyncSettings(ctx, admin, { enabled: true, intervalMinutes: 60 });
    const job = dhis2SyncJob(ctx);
    await runJob(job);

    await seedAppVersion(ctx, { packageName: 'com.dhis2', versionCode: 154, versionName: '3.4.0.1' });
    const rollout = await createRollout(ctx, admin, { packageName: 'com.dhis2', versionCode: 154, stages: [{ startsAt: clock, percent: 100, failureThreshold: 50 }], start: true });
    await changeRolloutState(ctx, admin, rollout.id, 'complete');
    const group = dhis2.userGroups[3]!;
    await saveApkSettings(ctx, admin, { writeEnabled: true, links: [{ userGroupId: group.id, rolloutId: rollout.id }] });

    clock += MINUTE;
    expect(await runJob(job)).toMatchObject({ apkWrites: 1 });
    const value = dhis2.readDataStore('APK_DISTRIBUTION', 'versions') as { versions: { version: string; userGroups?: string[] }[] };
    expect(value.versions.filter((entry) => entry.userGroups?.includes(group.id))).toEqual([expect.objectContaining({ version: '3.4.0.1' })]);

    const audit = await ctx.store.audit.list(20);
    expect(audit.find((event) => event.action === 'dhis2.apk_distribution.write')?.actor).toBe('system');
  });
});
