import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { getApkDistribution, saveApkSettings, writeApkDistribution } from '../../../src/services/admin/dhis2-apk.js';
import { saveDhis2Connection } from '../../../src/services/admin/dhis2-connection.js';
import { runDhis2Sync } from '../../../src/services/admin/dhis2-sync.js';
import { changeRolloutState } from '../../../src/services/rollouts/rollout-control.js';
import { createRollout } from '../../../src/services/rollouts/rollout-create.js';
import { seedAppVersion, seedPolicy, seedToken } from '../../agent-api/helpers.js';
import { startDhis2Standin, type Dhis2Standin } from '../../support/dhis2-standin.js';
import { createServiceContext, type ServiceContext } from './support/context.js';

const admin: Caller = { userId: 'u1', username: 'alice', role: 'admin' };
const HOUR = 3_600_000;
// The fixture's versions entries name this group (the TB programme) with 40.1 and 40.2.
const TB_GROUP = 'Kk12LkEWtXp';

let ctx: ServiceContext;
let dhis2: Dhis2Standin;
let clock: number;

interface VersionsValue {
  versions: { version: string; downloadURL: string; userGroups?: string[]; isDefault?: boolean }[];
}

beforeEach(async () => {
  ctx = await createServiceContext();
  clock = Date.now();
  ctx.now = () => clock;
  dhis2 = await startDhis2Standin({ orgUnits: 700, users: 200 });
  await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: dhis2.token });
  await runDhis2Sync(ctx, { trigger: 'manual', actor: 'test' });
});

afterEach(async () => {
  await dhis2.close();
  await ctx.dispose();
});

/** Enrols one phone per member of the group and assigns it to that member. */
async function phonesFor(groupId: string, count: number): Promise<string[]> {
  const members = dhis2.users.filter((user) => user.userGroupIds.includes(groupId) && user.username.startsWith('chw')).slice(0, count);
  const policyId = await seedPolicy(ctx);
  const tokenId = await seedToken(ctx, { policyId });
  const ids: string[] = [];
  for (const [index, member] of members.entries()) {
    const deviceId = `${groupId}-phone-${index}`;
    await enrolDevice(ctx, { deviceId, tokenId, ip: '10.0.0.1' });
    const device = await ctx.store.devices.findByDeviceId(deviceId);
    await ctx.store.assignments.setDeviceUser(device!.id, member.id, clock);
    ids.push(deviceId);
  }
  return ids;
}

async function stagedRollout(): Promise<string> {
  await seedAppVersion(ctx, { packageName: 'com.dhis2', versionCode: 150, versionName: '3.3.0.1' });
  await seedAppVersion(ctx, { packageName: 'com.dhis2', versionCode: 154, versionName: '3.4.0.1' });
  const rollout = await createRollout(ctx, admin, {
    packageName: 'com.dhis2',
    versionCode: 154,
    stages: [
      { startsAt: clock, percent: 1, failureThreshold: 50 },
      { startsAt: clock + HOUR, percent: 100, failureThreshold: 50 },
    ],
    start: true,
  });
  return rollout.id;
}

const versions = () => dhis2.readDataStore('APK_DISTRIBUTION', 'versions') as VersionsValue;

describe('APK_DISTRIBUTION', () => {
  it("Outpost's APK_DISTRIBUTION entry for a user group follows the rollout stage", async () => {
    const group = dhis2.userGroups.find((candidate) => candidate.id !== TB_GROUP && dhis2.users.filter((user) => user.userGroupIds.includes(candidate.id)).length >= 4)!;
    await phonesFor(group.id, 4);
    const rolloutId = await stagedRollout();
    const before = JSON.stringify(versions());

    await expect(writeApkDistribution(ctx, admin, {})).rejects.toThrow(/Writing APK_DISTRIBUTION is off/);
    await saveApkSettings(ctx, admin, { writeEnabled: true, links: [{ userGroupId: group.id, rolloutId }] });

    // Stage 1 selects 1 % of phones: the group's four are not all reached.
    const early = await getApkDistribution(ctx, admin);
    const earlyGroup = early.groups.find((item) => item.id === group.id)!;
    expect(earlyGroup.target).toMatchObject({ entry: null, devices: 4 });
    expect(earlyGroup.offered).toMatchObject({ version: '40.3', from: 'default' });
    expect(await writeApkDistribution(ctx, admin, { expectedHash: early.versionsHash })).toMatchObject({ written: false });
    expect(JSON.stringify(versions())).toBe(before);

    // Stage 2 selects every phone: Outpost adds one entry for the group and leaves the others as they were.
    clock += HOUR;
    const reached = await getApkDistribution(ctx, admin);
    expect(reached.plan.changes).toEqual([expect.objectContaining({ action: 'add', groupId: group.id, needsConfirmation: false })]);
    const result = await writeApkDistribution(ctx, admin, { expectedHash: reached.versionsHash });
    expect(result.written).toBe(true);
    const entries = versions().versions;
    expect(entries.slice(0, 3)).toEqual(JSON.parse(before).versions);
    expect(entries[3]).toMatchObject({ version: '3.4.0.1', isDefault: false, userGroups: [group.id] });
    expect(entries[3]!.downloadURL).toMatch(/^https:\/\/mdm\.example\.org\/outpost\/files\/apps\/.+\/com\.dhis2-154\.apk$/);
    // The fixture's default entry (40.3) is higher, so Outpost warns that it wins.
    expect(result.warnings.join(' ')).toMatch(/default entry offers 40\.3/);

    // A halted rollout takes its entry back, so the in-app prompt stops offering it.
    await changeRolloutState(ctx, admin, rolloutId, 'halt');
    expect((await writeApkDistribution(ctx, admin, {})).applied).toEqual([expect.objectContaining({ action: 'remove', groupId: group.id })]);
    expect(JSON.stringify(versions())).toBe(before);

    const audit = (await ctx.store.audit.list(50)).filter((event) => event.action === 'dhis2.apk_distribution.write');
    expect(audit).toHaveLength(2);
    const logged = audit.map((event) => (JSON.parse(event.details_json!) as { changes: unknown[] }).changes[0]);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'add', groupId: group.id, before: null, after: '3.4.0.1' }),
        expect.objectContaining({ action: 'remove', groupId: group.id, before: '3.4.0.1', after: null }),
      ]),
    );
  });

  it('changes entries it did not write only after confirmation, and refuses a value changed since review', async () => {
    await phonesFor(TB_GROUP, 2);
    const rolloutId = await stagedRollout();
    clock += HOUR;
    await saveApkSettings(ctx, admin, { writeEnabled: true, links: [{ userGroupId: TB_GROUP, rolloutId }] });

    const view = await getApkDistribution(ctx, admin);
    const release = view.plan.changes.filter((change) => change.action === 'release_group');
    expect(release).toHaveLength(2);
    expect(release.every((change) => change.needsConfirmation)).toBe(true);

    // Someone edits the value in DHIS2 after the manager looked.
    const edited = versions();
    dhis2.writeDataStore('APK_DISTRIBUTION', 'versions', { versions: [...edited.versions, { version: '1.0', downloadURL: 'https://example.org/a.apk', userGroups: [] }] });
    await expect(writeApkDistribution(ctx, admin, { expectedHash: view.versionsHash })).rejects.toThrow(/changed in DHIS2 since you reviewed it/);
    dhis2.writeDataStore('APK_DISTRIBUTION', 'versions', edited);

    // Without confirmation only Outpost's own entry is written.
    const unconfirmed = await writeApkDistribution(ctx, admin, { expectedHash: view.versionsHash });
    expect(unconfirmed.applied.map((change) => change.action)).toEqual(['add']);
    expect(unconfirmed.awaitingConfirmation).toHaveLength(2);
    expect(versions().versions.filter((entry) => entry.userGroups?.includes(TB_GROUP))).toHaveLength(3);

    // An entry of Outpost's edited by hand in DHIS2 counts as not Outpost's any more.
    const mine = versions();
    mine.versions[3]!.version = '3.4.0.9';
    dhis2.writeDataStore('APK_DISTRIBUTION', 'versions', mine);
    const guarded = await getApkDistribution(ctx, admin);
    expect(guarded.plan.changes.find((change) => change.action === 'update')).toMatchObject({ needsConfirmation: true });

    const confirmed = await writeApkDistribution(ctx, admin, { expectedHash: guarded.versionsHash, confirm: true });
    expect(confirmed.awaitingConfirmation).toEqual([]);
    const tb = versions().versions.filter((entry) => entry.userGroups?.includes(TB_GROUP));
    expect(tb).toEqual([expect.objectContaining({ version: '3.4.0.1', userGroups: [TB_GROUP] })]);
    expect(versions().versions.find((entry) => entry.isDefault)).toMatchObject({ version: '40.3' });
  });

  it('refuses links to unknown groups and rollouts, naming the field', async () => {
    await expect(saveApkSettings(ctx, admin, { writeEnabled: true, links: [{ userGroupId: 'AAAAAAAAAAA', rolloutId: 'x' }] })).rejects.toMatchObject({
      field: 'body.links.0.userGroupId',
    });
    await expect(saveApkSettings(ctx, admin, { writeEnabled: true, links: [{ userGroupId: TB_GROUP, rolloutId: 'missing' }] })).rejects.toMatchObject({
      field: 'body.links.0.rolloutId',
    });
  });
});
