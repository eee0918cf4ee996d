import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RolloutProgress } from '../../src/services/rollouts/rollout-progress.js';
import type { RolloutView } from '../../src/services/rollouts/rollout-view.js';
import { startFleet, type Fleet } from '../../simulator/index.js';
import type { EnrolmentToken, Policy } from '../support/admin-client.js';
import { policyInstalling, startRolloutEnv, uploadBuilt, type RolloutTestEnv } from './rollout-support.js';

// Simulated agents with injected faults: a fifth of them fail every
// install, and every download is cut at 40 % and resumed with Range.

const FLEET_SIZE = 20;
const PACKAGE = 'com.dhis2';

let env: RolloutTestEnv;
let fleet: Fleet | null = null;

beforeAll(async () => {
  env = await startRolloutEnv();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await env?.server.dispose();
});

const installedVersion = (fleetAgents: Fleet['agents'][number]) => fleetAgents.installedVersions().find((app) => app.pkg === PACKAGE)?.versionName;

describe('simulated rollout with faults', () => {
  it(
    'installs through resumed downloads and leaves failing phones failed',
    async () => {
      env.server.ctx.now = Date.now;
      const agent = await uploadBuilt(env.admin, { packageName: 'com.hmdm.launcher', versionCode: 15360, versionName: '6.36', keyName: 'hmdm' });
      await env.admin.put('/enrolment/agent', { appVersionId: agent.version.id });
      const v1 = await uploadBuilt(env.admin, { packageName: PACKAGE, versionCode: 150, versionName: '3.3.0.1', keyName: 'dhis2' });
      await uploadBuilt(env.admin, { packageName: PACKAGE, versionCode: 151, versionName: '3.3.1', keyName: 'dhis2' });
      const created = await policyInstalling(env.admin, 'Simulated phones', PACKAGE, v1.version.id);
      const policy = await env.admin.put<Policy>(`/policies/${created.id}`, {
        name: created.name,
        settings: { pushMode: 'polling' },
        apps: [{ packageName: PACKAGE, appVersionId: v1.version.id, action: 'install' }],
      });
      const token = await env.admin.post<EnrolmentToken>('/enrolment/tokens', { policyId: policy.id });
      const qr = await env.admin.get<unknown>(`/enrolment/tokens/${encodeURIComponent(token.id)}/qr.json`);

      fleet = await startFleet({ qr, count: FLEET_SIZE, speed: 10, seed: 4242, faults: { installFailureShare: 0.2, cutDownloadsAt: 0.4 } });
      const healthy = () => fleet!.agents.filter((item) => !item.device.installsFail);
      expect(healthy().length).toBeGreaterThan(0);
      expect(healthy().length).toBeLessThan(FLEET_SIZE);
      await fleet.waitFor(() => healthy().every((item) => installedVersion(item) === '3.3.0.1' && item.counters.infos >= 1), 60_000);

      const rollout = await env.admin.post<RolloutView>('/rollouts', {
        packageName: PACKAGE,
        versionCode: 151,
        stages: [{ startsAt: Date.now(), percent: 100, failureThreshold: 100 }],
        start: true,
      });
      await fleet.waitFor(() => healthy().every((item) => installedVersion(item) === '3.3.1'), 60_000);

      for (const item of fleet.agents) {
        expect(item.counters.digestMismatches, item.deviceId).toBe(0);
        if (item.device.installsFail) expect(installedVersion(item), item.deviceId).toBeUndefined();
      }
      // An agent marks its install before its device report reaches the server.
      const readProgress = () => env.admin.get<RolloutProgress>(`/rollouts/${rollout.id}/progress`);
      let progress = await readProgress();
      const reportDeadline = Date.now() + 30_000;
      while (progress.totals.installed < healthy().length && Date.now() < reportDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        progress = await readProgress();
      }
      expect(progress.totals.installed).toBe(healthy().length);
      expect(progress.dataCost.servedBytes).toBeGreaterThan(0);
    },
    150_000,
  );
});
