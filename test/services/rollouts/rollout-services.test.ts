import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import { syncConfiguration } from '../../../src/services/agent/configuration.js';
import { ingestDeviceInfo } from '../../../src/services/agent/device-info.js';
import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { createPin } from '../../../src/services/rollouts/pins.js';
import { advanceRollouts, changeRolloutState } from '../../../src/services/rollouts/rollout-control.js';
import { createRollout } from '../../../src/services/rollouts/rollout-create.js';
import { createServiceContext, untouchableContext, type ServiceContext } from '../admin/support/context.js';
import { seedAppVersion, seedPolicy, seedToken } from '../../agent-api/helpers.js';
import type { DeviceInfo } from '../../../src/domain/agent-reports.js';

const admin: Caller = { userId: 'u1', username: 'alice', role: 'admin' };
const viewer: Caller = { userId: 'u2', username: 'vera', role: 'viewer' };
const HOUR = 3_600_000;

let ctx: ServiceContext;
let clock: number;

beforeEach(async () => {
  ctx = await createServiceContext();
  clock = Date.UTC(2030, 0, 1);
  ctx.now = () => clock;
});

afterEach(async () => {
  await ctx.dispose();
});

async function fleet(count: number) {
  const v1 = await seedAppVersion(ctx, { packageName: 'com.dhis2', versionCode: 1, versionName: '1.0' });
  await seedAppVersion(ctx, { packageName: 'com.dhis2', versionCode: 2, versionName: '2.0' });
  await seedAppVersion(ctx, { packageName: 'com.dhis2', versionCode: 3, versionName: '3.0' });
  const policyId = await seedPolicy(ctx, {
    apps: [{ packageName: 'com.dhis2', appVersionId: v1.id, action: 'install', showIcon: true, runAfterInstall: false, screenOrder: null }],
  });
  const tokenId = await seedToken(ctx, { policyId });
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const deviceId = `svc-${index}`;
    await enrolDevice(ctx, { deviceId, tokenId, ip: '10.0.0.1' });
    await ingestDeviceInfo(ctx, deviceId, { deviceId, androidVersion: '14', applications: [{ pkg: 'com.dhis2', version: '1.0' }] } as DeviceInfo, '10.0.0.1');
    ids.push(deviceId);
  }
  return ids;
}

async function offeredCode(deviceId: string): Promise<number | undefined> {
  const config = await syncConfiguration(ctx, deviceId, '10.0.0.1');
  const entry = config?.applications.find((app) => 'code' in app && app.pkg === 'com.dhis2');
  return entry && 'code' in entry ? entry.code : undefined;
}

describe('rollout services', () => {
  it('check the role before anything else', async () => {
    await expect(createRollout(untouchableContext(), viewer, { packageName: 'com.dhis2', versionCode: 2, stages: [] })).rejects.toThrow(/requires the admin role/);
    await expect(changeRolloutState(untouchableContext(), viewer, 'x', 'pause')).rejects.toThrow(/requires the admin role/);
  });

  it('wakes devices when a stage starts', async () => {
    const devices = await fleet(10);
    await createRollout(ctx, admin, { packageName: 'com.dhis2', versionCode: 2, stages: [{ startsAt: clock + HOUR, percent: 100, failureThreshold: 50 }], start: true });
    ctx.pushes.length = 0;

    expect(await advanceRollouts(ctx)).toEqual({ woken: 0, halted: 0 });
    clock += HOUR;
    expect(await advanceRollouts(ctx)).toEqual({ woken: 10, halted: 0 });
    expect(new Set(ctx.pushes.flatMap((push) => push.deviceIds))).toEqual(new Set(devices));
    expect(await advanceRollouts(ctx)).toEqual({ woken: 0, halted: 0 });
  });

  it('caps offers at a pin', async () => {
    const [deviceId] = await fleet(1);
    await createRollout(ctx, admin, { packageName: 'com.dhis2', versionCode: 3, stages: [{ startsAt: clock, percent: 100, failureThreshold: 50 }], start: true });
    expect(await offeredCode(deviceId!)).toBe(3);

    await createPin(ctx, admin, { packageName: 'com.dhis2', maxVersionCode: 2 });
    expect(await offeredCode(deviceId!)).toBe(1);

    const audit = await ctx.store.audit.list(10);
    expect(audit.map((event) => event.action)).toEqual(expect.arrayContaining(['pin.create', 'rollout.start', 'rollout.create']));
  });
});
