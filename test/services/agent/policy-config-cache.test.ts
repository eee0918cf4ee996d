import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import { BlobStore } from '../../../src/blobs/blob-store.js';
import { loadConfig } from '../../../src/config.js';
import type { AppContext } from '../../../src/context.js';
import type { DeviceInfo } from '../../../src/domain/agent-reports.js';
import { defaultPolicySettings } from '../../../src/domain/policy-settings.js';
import type { PushHub } from '../../../src/push/push-hub.js';
import { syncConfiguration } from '../../../src/services/agent/configuration.js';
import { ingestDeviceInfo } from '../../../src/services/agent/device-info.js';
import { enrolDevice } from '../../../src/services/agent/enrolment.js';
import { policyConfigCacheOf } from '../../../src/services/agent/policy-config-cache.js';
import { changeRolloutState } from '../../../src/services/rollouts/rollout-control.js';
import { createRollout } from '../../../src/services/rollouts/rollout-create.js';
import type { Db } from '../../../src/store/database.js';
import type { PolicyAppEntry } from '../../../src/store/repositories/policies.js';
import { createStore } from '../../../src/store/store.js';
import { seedAppVersion, seedToken } from '../../agent-api/helpers.js';
import { BACKENDS } from '../../jobs/backends.js';

// The per-process cache of policy parts must never serve a configuration
// older than the database: every change below shows in the next sync.

const admin: Caller = { userId: 'u1', username: 'alice', role: 'admin' };
const HOUR = 3_600_000;
const PACKAGE = 'org.dhis2.android';

const silentPush: PushHub = { notify: () => {}, waitForMessages: async () => [], openPollCount: () => 0, close: () => {} };

function contextOver(db: Db, dataDir: string, clock: () => number): AppContext {
  return {
    config: loadConfig({ dataDir, publicUrl: 'https://mdm.example.org', port: 0 }, {}),
    logger: pino({ level: 'silent' }),
    store: createStore(db),
    blobs: new BlobStore(path.join(dataDir, 'blobs')),
    push: silentPush,
    now: clock,
  };
}

function installEntry(appVersionId: string): PolicyAppEntry {
  return { packageName: PACKAGE, appVersionId, action: 'install', showIcon: true, runAfterInstall: false, screenOrder: null };
}

for (const backend of BACKENDS) {
  describe(`policy config cache on ${backend.name}`, () => {
    let ctx: AppContext;
    let other: AppContext;
    let clock: number;
    let dataDir: string;
    let cleanup: () => Promise<void>;
    let policyId: string;
    let v1Id: string;
    const deviceId = 'cache-phone';

    beforeEach(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-cache-data-'));
      clock = Date.UTC(2030, 0, 1);
      ctx = contextOver(opened.first, dataDir, () => clock);
      other = contextOver(opened.second, dataDir, () => clock);

      const v1 = await seedAppVersion(ctx, { packageName: PACKAGE, versionCode: 1, versionName: '1.0' });
      await seedAppVersion(ctx, { packageName: PACKAGE, versionCode: 2, versionName: '2.0' });
      v1Id = v1.id;
      policyId = await savePolicy(ctx, 'Before', [installEntry(v1Id)]);
      const tokenId = await seedToken(ctx, { policyId });
      await enrolDevice(ctx, { deviceId, tokenId, ip: '10.0.0.1' });
      const report = { deviceId, androidVersion: '14', applications: [{ pkg: PACKAGE, version: '1.0' }] } as DeviceInfo;
      await ingestDeviceInfo(ctx, deviceId, report, '10.0.0.1');
    }, 60_000);

    afterEach(async () => {
      await cleanup?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    async function savePolicy(on: AppContext, title: string, apps: PolicyAppEntry[], id?: string): Promise<string> {
      const policy = id ?? 'cache-policy';
      const settings = { ...defaultPolicySettings(), title };
      await on.store.policies.save({ id: policy, name: `Policy ${policy}`, description: '', settingsJson: JSON.stringify(settings) }, apps, 'test', clock);
      return policy;
    }

    async function sync() {
      const config = await syncConfiguration(ctx, deviceId, '10.0.0.1');
      if (!config) throw new Error(`sync of ${deviceId} returned no configuration`);
      const entry = config.applications.find((app) => app.pkg === PACKAGE);
      return { title: config.title, entry: entry && 'code' in entry ? entry : null, config };
    }

    it('reuses the part while nothing changes', async () => {
      await sync();
      const view = await ctx.store.devices.findForAgent(deviceId, clock);
      const cache = policyConfigCacheOf(ctx.store);
      const first = await cache.policyPart(ctx.store, policyId, view!.configGeneration);
      const second = await cache.policyPart(ctx.store, policyId, view!.configGeneration);

      expect(second).toBe(first);
      expect(Object.isFrozen(first?.settings)).toBe(true);
    });

    it('shows a policy edit in the next sync', async () => {
      expect((await sync()).title).toBe('Before');
      await savePolicy(ctx, 'After', [installEntry(v1Id)]);

      expect((await sync()).title).toBe('After');
    });

    it('shows a policy edit made through a second store', async () => {
      expect((await sync()).title).toBe('Before');
      await savePolicy(other, 'From the other process', [installEntry(v1Id)]);

      expect((await sync()).title).toBe('From the other process');
    });

    it('shows an app version change in the next sync', async () => {
      expect((await sync()).entry?.name).toBe(PACKAGE);
      await ctx.store.db.updateTable('app_versions').set({ label: 'DHIS2 Capture' }).where('id', '=', v1Id).execute();
      expect((await sync()).entry?.name).toBe('DHIS2 Capture');

      // A second store renames the version the policy names.
      await other.store.db.updateTable('app_versions').set({ version_name: '1.0-fixed' }).where('id', '=', v1Id).execute();
      expect((await sync()).entry?.version).toBe('1.0-fixed');
    });

    it('shows an app label change through a second store', async () => {
      expect((await sync()).entry?.name).toBe(PACKAGE);
      const app = await other.store.apps.findAppByPackage(PACKAGE);
      await other.store.apps.updateAppLabel(app!.id, 'Capture');

      expect((await sync()).entry?.name).toBe('Capture');
    });

    it('shows rollout stage and state changes in the next sync', async () => {
      const stages = [{ startsAt: clock + HOUR, percent: 100, failureThreshold: 50 }];
      const rollout = await createRollout(ctx, admin, { packageName: PACKAGE, versionCode: 2, stages, start: true });
      expect((await sync()).entry?.code).toBe(1);

      // The stage moves to now through the second store, as another process would.
      const startedStages = JSON.stringify([{ ...stages[0], startsAt: clock }]);
      await other.store.db.updateTable('rollouts').set({ stages_json: startedStages }).where('id', '=', rollout.id).execute();
      expect((await sync()).entry?.code).toBe(2);

      await changeRolloutState(other, admin, rollout.id, 'pause');
      expect((await sync()).entry?.code).toBe(1);
    });

    it('keeps rollout timing per request', async () => {
      const stages = [{ startsAt: clock + HOUR, percent: 100, failureThreshold: 50 }];
      await createRollout(ctx, admin, { packageName: PACKAGE, versionCode: 2, stages, start: true });
      expect((await sync()).entry?.code).toBe(1);

      // No write happens: only the clock passes the stage start.
      clock += HOUR;
      expect((await sync()).entry?.code).toBe(2);
    });

    it('moves a device to its new policy', async () => {
      expect((await sync()).title).toBe('Before');
      const otherPolicy = await savePolicy(ctx, 'Second policy', [], 'cache-policy-2');
      const device = await ctx.store.devices.findByDeviceId(deviceId);
      await other.store.devices.update(device!.id, { policy_id: otherPolicy });

      const after = await sync();
      expect(after.title).toBe('Second policy');
      expect(after.entry).toBeNull();
    });
  });
}
