import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RolloutProgress } from '../../src/services/rollouts/rollout-progress.js';
import type { RolloutView } from '../../src/services/rollouts/rollout-view.js';
import { enrolPhones, HOUR_MS, inBatches, policyInstalling, startRolloutEnv, uploadBuilt, type RolloutTestEnv, type TestPhone } from './rollout-support.js';

let env: RolloutTestEnv;

beforeAll(async () => {
  env = await startRolloutEnv({ OUTPOST_ROLLOUT_MAX_OFFERS: '3' });
}, 60_000);

afterAll(async () => {
  await env?.server.dispose();
});

/** Creates a package with versions 1 and 2, a policy on version 1 and enrolled phones running it. */
async function setUp(packageName: string, count: number, options: { minSdk?: number; androidVersion?: string } = {}) {
  const v1 = await uploadBuilt(env.admin, { packageName, versionCode: 1, versionName: '1.0', keyName: 'fail' });
  const v2 = await uploadBuilt(env.admin, { packageName, versionCode: 2, versionName: '2.0', keyName: 'fail', ...(options.minSdk ? { minSdk: options.minSdk } : {}) });
  const policy = await policyInstalling(env.admin, `policy ${packageName}`, packageName, v1.version.id);
  const phones = await enrolPhones(env, policy.id, count, packageName, { [packageName]: '1.0' }, options.androidVersion);
  return { v1, v2, policy, phones };
}

async function createRollout(packageName: string, stages: Array<{ offsetHours: number; percent: number; failureThreshold: number }>, scope = {}) {
  return env.admin.post<RolloutView>('/rollouts', {
    packageName,
    versionCode: 2,
    scope,
    stages: stages.map((stage) => ({ startsAt: env.clock.now + stage.offsetHours * HOUR_MS, percent: stage.percent, failureThreshold: stage.failureThreshold })),
    start: true,
  });
}

/** Syncs each phone; those offered version 2 install it unless `fails` says the install fails. Returns the ids offered. */
async function round(phones: readonly TestPhone[], packageName: string, fails: (phone: TestPhone) => boolean): Promise<string[]> {
  const offered: string[] = [];
  await inBatches(phones, async (phone) => {
    const entry = await phone.appEntry(packageName);
    if (entry?.code !== 2 || phone.installed.get(packageName) === '2.0') return;
    offered.push(phone.deviceId);
    if (!fails(phone)) await phone.install(packageName, '2.0');
  });
  return offered;
}

describe('automatic halt', () => {
  it(
    'halts at 20 % failures over a 10 % threshold',
    async () => {
      const packageName = 'org.example.halt';
      const { phones } = await setUp(packageName, 200);
      // Every fifth phone fails to install: 20 % of any stage.
      const failing = new Set(phones.filter((_, index) => index % 5 === 0).map((phone) => phone.deviceId));
      const fails = (phone: TestPhone) => failing.has(phone.deviceId);
      const rollout = await createRollout(packageName, [
        { offsetHours: 0, percent: 50, failureThreshold: 10 },
        { offsetHours: 2, percent: 100, failureThreshold: 10 },
      ]);

      for (let attempt = 0; attempt < 4; attempt += 1) await round(phones, packageName, fails);

      const halted = await env.admin.get<RolloutView>(`/rollouts/${rollout.id}`);
      expect(halted.state).toBe('halted');
      expect(halted.haltReason).toMatch(/Stage 1: \d+ of \d+ devices failed to install/);

      env.clock.now += 3 * HOUR_MS;
      expect(await round(phones, packageName, () => false)).toEqual([]);

      const before = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
      await env.admin.post(`/rollouts/${rollout.id}/resume`);
      await round(phones, packageName, () => false);
      const after = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
      expect(after.state).toBe('running');
      expect(after.stages[1]!.installed).toBeGreaterThan(before.stages[1]!.installed);
      expect(after.totals.installed).toBe(phones.length - after.totals.failed);
    },
    120_000,
  );
});

describe('offer limit', () => {
  it(
    'offers a phone that never installs three times, then marks it failed',
    async () => {
      const packageName = 'org.example.offers';
      const { phones } = await setUp(packageName, 1);
      const [phone] = phones;
      const rollout = await createRollout(packageName, [{ offsetHours: 0, percent: 100, failureThreshold: 100 }]);

      let offers = 0;
      for (let sync = 0; sync < 6; sync += 1) {
        if ((await phone!.appEntry(packageName))?.code === 2) offers += 1;
      }
      expect(offers).toBe(3);

      const progress = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
      expect(progress.devices.items[0]).toMatchObject({ deviceId: phone!.deviceId, status: 'failed', offers: 3 });
      expect(progress.totals.failed).toBe(1);

      const retry = await env.admin.post<{ retried: number }>(`/rollouts/${rollout.id}/retry`, {});
      expect(retry.retried).toBe(1);
      expect((await phone!.appEntry(packageName))?.code).toBe(2);
    },
    60_000,
  );
});

describe('compatibility', () => {
  it(
    'never offers a version above the phone’s SDK level',
    async () => {
      const packageName = 'org.example.minsdk';
      const { phones } = await setUp(packageName, 3, { minSdk: 30, androidVersion: '9' });
      const rollout = await createRollout(packageName, [{ offsetHours: 0, percent: 100, failureThreshold: 100 }]);

      for (let sync = 0; sync < 3; sync += 1) expect(await round(phones, packageName, () => false)).toEqual([]);

      const progress = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
      expect(progress.totals.incompatible).toBe(3);
      expect(progress.dataCost.devicesToDownload).toBe(0);
    },
    60_000,
  );
});
