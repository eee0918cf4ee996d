import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { rolloutPlace } from '../../src/domain/rollout-place.js';
import type { RolloutProgress } from '../../src/services/rollouts/rollout-progress.js';
import type { RolloutView } from '../../src/services/rollouts/rollout-view.js';
import { enrolPhones, HOUR_MS, inBatches, policyInstalling, startRolloutEnv, uploadBuilt, type RolloutTestEnv, type TestPhone } from './rollout-support.js';

// A four-stage rollout of com.dhis2 over 500 phones that call the agent
// protocol over HTTP, with the server clock moved from stage to stage.

const PHONES = 500;
const PACKAGE = 'com.dhis2';
const STAGE_PERCENTS = [5, 20, 50, 100];

let env: RolloutTestEnv;
let phones: TestPhone[];
let rollout: RolloutView;

beforeAll(async () => {
  env = await startRolloutEnv();
  const v1 = await uploadBuilt(env.admin, { packageName: PACKAGE, versionCode: 150, versionName: '3.3.0.1', minSdk: 23, keyName: 'dhis2' });
  await uploadBuilt(env.admin, { packageName: PACKAGE, versionCode: 151, versionName: '3.3.1', minSdk: 23, keyName: 'dhis2' });
  const policy = await policyInstalling(env.admin, 'Stage phones', PACKAGE, v1.version.id);
  phones = await enrolPhones(env, policy.id, PHONES, 'stage', { [PACKAGE]: '3.3.0.1' });

  const start = env.clock.now + HOUR_MS;
  rollout = await env.admin.post<RolloutView>('/rollouts', {
    packageName: PACKAGE,
    versionCode: 151,
    stages: STAGE_PERCENTS.map((percent, index) => ({ startsAt: start + index * HOUR_MS, percent, failureThreshold: 10 })),
    start: true,
  });
}, 120_000);

afterAll(async () => {
  await env?.server.dispose();
});

/** Syncs every phone once; phones offered 3.3.1 install it. Returns the ids offered 3.3.1. */
async function syncRound(): Promise<Set<string>> {
  const offered = new Set<string>();
  await inBatches(phones, async (phone) => {
    const entry = await phone.appEntry(PACKAGE);
    if (entry?.code !== 151) return;
    offered.add(phone.deviceId);
    if (phone.installed.get(PACKAGE) !== '3.3.1') await phone.install(PACKAGE, '3.3.1');
  });
  return offered;
}

describe('staged rollout', () => {
  it('offers nothing before the first stage', async () => {
    expect(await syncRound()).toEqual(new Set());
  });

  it(
    'installs the planned share at each stage',
    async () => {
      let previous = new Set<string>();
      for (const [index, percent] of STAGE_PERCENTS.entries()) {
        env.clock.now = rollout.stages[index]!.startsAt;
        const offered = await syncRound();

        const planned = new Set(phones.filter((phone) => rolloutPlace(phone.deviceId, PACKAGE) < percent / 100).map((phone) => phone.deviceId));
        expect(offered, `stage ${index + 1}`).toEqual(planned);
        // The hash spreads devices evenly enough that each share is within 5 points of its plan.
        expect(Math.abs(offered.size / PHONES - percent / 100)).toBeLessThan(0.05);
        for (const deviceId of previous) expect(offered.has(deviceId), `${deviceId} kept at stage ${index + 1}`).toBe(true);

        const installed = phones.filter((phone) => phone.installed.get(PACKAGE) === '3.3.1').length;
        expect(installed).toBe(planned.size);
        const progress = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress?limit=5`);
        expect(progress.currentStage).toBe(index);
        expect(progress.totals.installed).toBe(planned.size);
        expect(progress.stages.slice(0, index + 1).reduce((sum, stage) => sum + stage.installed, 0)).toBe(planned.size);
        previous = offered;
      }
    },
    120_000,
  );

  it('counts every phone once in progress', async () => {
    const progress = await env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress?limit=200`);

    expect(progress.devicesInScope).toBe(PHONES);
    expect(progress.totals).toEqual({ pending: 0, downloading: 0, installed: PHONES, failed: 0, incompatible: 0, notSelected: 0 });
    expect(progress.devices.items).toHaveLength(200);
    expect(progress.devices.nextCursor).toBe('200');
    expect(progress.dataCost.devicesToDownload).toBe(0);
  });
});
