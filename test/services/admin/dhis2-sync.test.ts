import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { getAttentionList } from '../../../src/services/admin/dhis2-attention.js';
import { saveDhis2Connection } from '../../../src/services/admin/dhis2-connection.js';
import { runDhis2Sync, startDhis2Sync, waitForDhis2Syncs } from '../../../src/services/admin/dhis2-sync.js';
import { getSyncStatus } from '../../../src/services/admin/dhis2-sync-status.js';
import { createOrgUnit } from '../../../src/services/admin/org-units.js';
import { seedPolicy, seedToken } from '../../agent-api/helpers.js';
import { startDhis2Standin, type Dhis2Standin } from '../../support/dhis2-standin.js';
import { createServiceContext, type ServiceContext } from './support/context.js';

const admin: Caller = { userId: 'u1', username: 'alice', role: 'admin' };

let ctx: ServiceContext;
let dhis2: Dhis2Standin;

async function connect(options: { orgUnits?: number; users?: number } = {}) {
  dhis2 = await startDhis2Standin(options);
  await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: dhis2.token, timeoutSeconds: 5 });
}

const sync = (full = false) => runDhis2Sync(ctx, { trigger: 'manual', actor: 'test', full });

beforeEach(async () => {
  ctx = await createServiceContext();
});

afterEach(async () => {
  await waitForDhis2Syncs();
  await dhis2?.close();
  await ctx.dispose();
});

describe('DHIS2 sync', () => {
  it('A sync of a 10,000-unit tree and 5,000 users finishes and a second sync changes nothing', async () => {
    await connect({ orgUnits: 10_000, users: 5_000 });

    const first = await sync();
    expect(first.error).toBeNull();
    expect(first).toMatchObject({ state: 'succeeded', mode: 'full', units: { added: 10_000, changed: 0, removed: 0 }, users: { added: 5_000, changed: 0, removed: 0 } });
    expect(first.groups.added).toBe(dhis2.userGroups.length);

    const units = await ctx.store.orgUnits.listForSync();
    expect(units.filter((unit) => unit.source === 'dhis2')).toHaveLength(10_000);
    const village = dhis2.orgUnits[dhis2.orgUnits.length - 1]!;
    const stored = await ctx.store.orgUnits.findById(village.id);
    expect(stored).toMatchObject({ path: `${village.path}/`, level: village.level, parent_id: village.parentId });
    expect(await ctx.store.dhis2Directory.countUsers()).toBe(5_000);

    const second = await sync();
    expect(second).toMatchObject({ state: 'succeeded', mode: 'incremental' });
    expect([second.units, second.users, second.groups]).toEqual(Array(3).fill({ added: 0, changed: 0, removed: 0 }));

    const full = await sync(true);
    expect(full).toMatchObject({ state: 'succeeded', mode: 'full' });
    expect([full.units, full.users, full.groups]).toEqual(Array(3).fill({ added: 0, changed: 0, removed: 0 }));
  }, 120_000);

  it('picks up a changed, a moved, an added and a removed unit incrementally and keeps local units', async () => {
    await connect({ orgUnits: 1_000, users: 60 });
    await sync();
    const [facility, other] = dhis2.orgUnits.filter((unit) => unit.level === 4);
    const village = dhis2.orgUnits.find((unit) => unit.parentId === facility!.id)!;
    const local = await createOrgUnit(ctx, admin, { id: 'local-team', name: 'Mobile team', parentId: village.id });

    dhis2.changeOrgUnit(village.id, { name: 'Renamed village', parentId: other!.id });
    const added = dhis2.addOrgUnit(other!.id, 'New village');
    const leaf = dhis2.orgUnits.find((unit) => unit.level === 5 && unit.id !== village.id && unit.id !== added.id)!;
    dhis2.removeOrgUnit(leaf.id);

    const run = await sync();
    expect(run).toMatchObject({ mode: 'incremental', units: { added: 1, changed: 1, removed: 1 } });
    expect(await ctx.store.orgUnits.findById(village.id)).toMatchObject({ name: 'Renamed village', parent_id: other!.id });
    expect(await ctx.store.orgUnits.findById(local.id)).toMatchObject({ source: 'local', path: `${other!.path}/${village.id}/local-team/` });
    expect((await ctx.store.orgUnits.findById(leaf.id))?.removed_at).not.toBeNull();
    expect(run.changes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'unit', change: 'removed', id: leaf.id })]));
  });

  it('Disabling a user in the stand-in flags that user\'s device after the next sync', async () => {
    await connect({ orgUnits: 300, users: 80 });
    await sync();
    const worker = dhis2.users[60]!;

    const policyId = await seedPolicy(ctx);
    const tokenId = await seedToken(ctx, { policyId });
    const device = await enrolDevice(ctx, { deviceId: 'phone-1', tokenId, ip: '10.0.0.1' });
    const row = await ctx.store.devices.findByDeviceId('phone-1');
    // The assignment column E's migration adds; the console sets it through E's assignment service.
    await ctx.store.assignments.setDeviceUser(row!.id, worker.id, Date.now());
    expect(device).toBeTruthy();

    expect((await getAttentionList(ctx, admin)).inactiveUser.total).toBe(0);
    dhis2.disableUser(worker.id);
    const run = await sync();
    expect(run.users).toEqual({ added: 0, changed: 1, removed: 0 });
    expect(run.changes).toEqual([expect.objectContaining({ kind: 'user', id: worker.id, detail: 'disabled' })]);

    const attention = await getAttentionList(ctx, admin);
    expect(attention.inactiveUser.total).toBe(1);
    expect(attention.inactiveUser.items[0]).toMatchObject({ deviceId: 'phone-1', username: worker.username, userDisabled: true });
  });

  it('keeps the last good data when a page fails halfway, and a retry works', async () => {
    await connect({ orgUnits: 2_500, users: 60 });
    await sync();
    dhis2.changeOrgUnit(dhis2.orgUnits[2000]!.id, { name: 'Changed before the failure' });

    // The client tries a page three times; fail it three times.
    for (let i = 0; i < 3; i++) dhis2.failPageOnce('organisationUnits', 3);
    const failed = await sync(true);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/organisationUnits.*500.*Nothing of this run was saved/s);
    expect((await ctx.store.orgUnits.findById(dhis2.orgUnits[2000]!.id))?.name).not.toBe('Changed before the failure');

    const retry = await sync();
    expect(retry).toMatchObject({ state: 'succeeded', units: { added: 0, changed: 1, removed: 0 } });
    expect((await ctx.store.orgUnits.findById(dhis2.orgUnits[2000]!.id))?.name).toBe('Changed before the failure');
  }, 60_000);

  it('fails with a clear message on a wrong token, HTML and a timeout, and keeps the data', async () => {
    await connect({ orgUnits: 200, users: 55 });
    await sync();
    const units = (await ctx.store.orgUnits.list()).length;

    dhis2.setToken('d2p_another');
    const unauthorized = await sync();
    expect(unauthorized.error).toMatch(/rejected the access token.*401.*personal access token/s);

    await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: 'd2p_another', timeoutSeconds: 1 });
    dhis2.setMode('html');
    expect((await sync()).error).toMatch(/HTML page instead of JSON.*base URL/s);

    dhis2.setMode('hang');
    const started = Date.now();
    expect((await sync()).error).toMatch(/did not answer .* within 1 s/);
    expect(Date.now() - started).toBeLessThan(5_000);

    dhis2.setMode('normal');
    expect((await ctx.store.orgUnits.list()).length).toBe(units);
    expect((await sync()).state).toBe('succeeded');
  });

  it.each(['2.38', '2.41', '2.42', '2.43'])('syncs DHIS2 %s', async (version) => {
    dhis2 = await startDhis2Standin({ orgUnits: 300, users: 70, version });
    await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: dhis2.token });
    const run = await sync();
    expect(run).toMatchObject({ state: 'succeeded', users: { added: 70 }, units: { added: 300 } });
    expect(run.dhis2Version).toMatch(new RegExp(`^${version.replace('.', '\\.')}`));
  });

  it('marks a run whose process died as failed', async () => {
    await connect({ orgUnits: 200, users: 55 });
    const longAgo = Date.now() - 60 * 60_000;
    await ctx.store.dhis2SyncRuns.start({ id: 'dead-run', trigger: 'schedule', actor: 'system', mode: 'full', startedAt: longAgo });
    expect((await getSyncStatus(ctx, admin)).running).toBeNull();

    expect((await sync()).state).toBe('succeeded');
    const dead = await ctx.store.dhis2SyncRuns.find('dead-run');
    expect(dead?.state).toBe('failed');
    expect(dead?.error).toMatch(/stopped without finishing/);
  });

  it('runs one sync at a time', async () => {
    await connect({ orgUnits: 3_000, users: 100 });
    const running = await startDhis2Sync(ctx, admin);
    expect(running.state).toBe('running');
    await expect(startDhis2Sync(ctx, admin)).rejects.toThrow(/already running/);
    await waitForDhis2Syncs();
    expect((await ctx.store.dhis2SyncRuns.find(running.id))?.state).toBe('succeeded');
  });
});
