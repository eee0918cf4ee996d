// A staged rollout to 2,000 simulated phones with the server killed by
// SIGKILL twice while phones are installing, and started again on the same
// database each time. Every phone installs the target exactly once, every
// rollout record sits in the stage the plan puts the phone in, and no
// device or record is lost.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { rolloutPlace } from '../../src/domain/rollout-place.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { startFleet, type Fleet } from '../../simulator/index.js';
import { buildApk, type BuildApkOptions } from '../support/apk-builder.js';
import { adminRequest, crashDatabases, CrashSite, signIn, type AdminSession, type ChildServer } from './crash-support.js';

const PHONES = 2000;
const PACKAGE = 'com.dhis2';
const TARGET = '3.3.1';
const STAGE_PERCENTS = [10, 40, 100];
const STAGE_SPACING_MS = 30_000;
// At 60 times real speed a phone reports every 15 s and forces a sync
// every minute, so phones whose wake-up died with the server catch up
// within the test.
const FLEET_SPEED = 60;

// Loopback clients are exempt from the agent request limits, so the
// simulated phones need no raised limits.
const ENV = {
  // A download cut by a kill is offered again. The default of three offers
  // could mark a phone failed after two kills, which is not under test here.
  OUTPOST_ROLLOUT_MAX_OFFERS: '50',
};

async function upload(site: CrashSite, session: AdminSession, options: BuildApkOptions) {
  const bytes = await readFile(await buildApk(options));
  const response = await adminRequest(site.url, session, 'POST', `/apps/upload?fileName=${options.packageName}.apk`, bytes);
  if (response.status !== 201) throw new Error(`upload of ${options.packageName}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { version: { id: string } };
}

async function api(site: CrashSite, session: AdminSession, method: string, apiPath: string, body?: unknown) {
  const response = await adminRequest(site.url, session, method, apiPath, body);
  if (response.status >= 300) throw new Error(`${method} ${apiPath}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

function installedVersion(agent: Fleet['agents'][number]): string | null | undefined {
  return agent.installedVersions().find((app) => app.pkg === PACKAGE)?.versionName;
}

function countInstalled(fleet: Fleet, versionName: string): number {
  return fleet.agents.filter((agent) => installedVersion(agent) === versionName).length;
}

/** Index of the first stage whose share covers the phone. */
function plannedStage(deviceId: string): number {
  const place = rolloutPlace(deviceId, PACKAGE);
  return STAGE_PERCENTS.findIndex((percent) => place < percent / 100);
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  fleet: Fleet,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}: ${fleet.statusLine()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// The first stage's 200 or so phones can all install within a few hundred
// milliseconds, so the first kill comes at the first tenth, checked every 5 ms.
const FIRST_KILL_SHARE = 0.1;
const FIRST_KILL_CHECK_MS = 5;

for (const backend of crashDatabases()) {
  describe(`rollout killed midway on ${backend.name}`, () => {
    let site: CrashSite;
    let server: ChildServer | undefined;
    let fleet: Fleet | undefined;
    let db: Db | undefined;

    afterAll(async () => {
      await fleet?.stop();
      await server?.kill();
      await db?.destroy();
      await site?.dispose();
    });

    it('installs the target once per phone through two kills', async () => {
      site = await CrashSite.create(await backend.create(), ENV);
      server = await site.start();
      let session = await signIn(site.url);

      const agentApk = await upload(site, session, { packageName: 'com.hmdm.launcher', versionCode: 15360, versionName: '6.36', keyName: 'hmdm' });
      await api(site, session, 'PUT', '/enrolment/agent', { appVersionId: agentApk.version.id });
      const v1 = await upload(site, session, { packageName: PACKAGE, versionCode: 150, versionName: '3.3.0.1', keyName: 'dhis2' });
      await upload(site, session, { packageName: PACKAGE, versionCode: 151, versionName: TARGET, keyName: 'dhis2' });
      const policy = await api(site, session, 'POST', '/policies', {
        name: 'Crash phones',
        settings: { pushMode: 'polling' },
        apps: [{ packageName: PACKAGE, appVersionId: v1.version.id, action: 'install' }],
      });
      const token = await api(site, session, 'POST', '/enrolment/tokens', { policyId: policy.id });
      const qr = await api(site, session, 'GET', `/enrolment/tokens/${encodeURIComponent(token.id)}/qr.json`);

      fleet = await startFleet({ qr, count: PHONES, speed: FLEET_SPEED, seed: 7007 });
      const phones = fleet;
      await waitFor('every phone runs 3.3.0.1', () => countInstalled(phones, '3.3.0.1') === PHONES, 240_000, phones);

      const start = Date.now();
      const stages = STAGE_PERCENTS.map((percent, index) => ({ startsAt: start + index * STAGE_SPACING_MS, percent, failureThreshold: 100 }));
      const rollout = await api(site, session, 'POST', '/rollouts', { packageName: PACKAGE, versionCode: 151, stages, start: true });

      const planned = phones.agents.map((agent) => plannedStage(agent.deviceId));
      const plannedUpTo = (stage: number) => planned.filter((index) => index <= stage).length;

      // First kill: while the first stage's phones are downloading and installing.
      await waitFor(
        'a tenth of the first stage installed',
        () => countInstalled(phones, TARGET) >= Math.max(1, plannedUpTo(0) * FIRST_KILL_SHARE),
        120_000,
        phones,
        FIRST_KILL_CHECK_MS,
      );
      await server.kill();
      const atFirstKill = countInstalled(phones, TARGET);
      expect(atFirstKill).toBeLessThan(plannedUpTo(0));
      server = await site.start();

      // Second kill: once the second stage has started and part of it is installed.
      const secondStageMark = plannedUpTo(0) + (plannedUpTo(1) - plannedUpTo(0)) / 2;
      await waitFor('half the second stage installed', () => countInstalled(phones, TARGET) >= secondStageMark, 180_000, phones);
      await server.kill();
      expect(countInstalled(phones, TARGET)).toBeLessThan(PHONES);
      server = await site.start();

      await waitFor('every phone installed the target', () => countInstalled(phones, TARGET) === PHONES, 300_000, phones);
      session = await signIn(site.url);
      await waitFor(
        'the server recorded every install',
        async () => (await api(site, session, 'GET', `/rollouts/${rollout.id}/progress?limit=1`)).totals.installed === PHONES,
        120_000,
        phones,
      );

      // A report sent before an install can be processed after the report of
      // the install. The inventory then shows the old version until the
      // phone's next report, so the test waits for it before stopping the phones.
      db = openDatabase(site.database.url ?? path.join(site.dataDir, 'outpost.sqlite'));
      const inventory = db;
      await waitFor(
        'every phone reported the target in its inventory',
        async () => {
          const row = await inventory
            .selectFrom('device_apps')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('package_name', '=', PACKAGE)
            .where('version_name', '=', TARGET)
            .executeTakeFirstOrThrow();
          return Number(row.n) === PHONES;
        },
        120_000,
        phones,
      );

      await fleet.stop();
      await server.stop();

      // Each phone installed 3.3.0.1 once and the target once, and no install failed for want of a file.
      const installCounts = new Map<number, number>();
      for (const agent of phones.agents) installCounts.set(agent.counters.installs, (installCounts.get(agent.counters.installs) ?? 0) + 1);
      expect(installCounts).toEqual(new Map([[2, PHONES]]));
      for (const agent of phones.agents) expect(agent.counters.digestMismatches, agent.deviceId).toBe(0);

      const devices = await db.selectFrom('devices').select(['id', 'device_id']).execute();
      expect(devices).toHaveLength(PHONES);
      expect(new Set(devices.map((device) => device.device_id))).toEqual(new Set(phones.agents.map((agent) => agent.deviceId)));

      const records = await db
        .selectFrom('rollout_devices')
        .innerJoin('devices', 'devices.id', 'rollout_devices.device_pk')
        .select(['devices.device_id', 'rollout_devices.status', 'rollout_devices.stage_index'])
        .where('rollout_devices.rollout_id', '=', rollout.id)
        .execute();
      expect(records).toHaveLength(PHONES);
      expect(records.filter((record) => record.status !== 'installed')).toEqual([]);

      const misplaced = records.filter((record) => record.stage_index !== plannedStage(record.device_id));
      expect(misplaced).toEqual([]);
      for (const stage of STAGE_PERCENTS.keys()) {
        const inStage = records.filter((record) => record.stage_index === stage).length;
        expect(inStage, `records of stage ${stage + 1}`).toBe(planned.filter((index) => index === stage).length);
        expect(inStage, `stage ${stage + 1} is not empty`).toBeGreaterThan(0);
      }

      const reported = await db.selectFrom('device_apps').select('version_name').where('package_name', '=', PACKAGE).execute();
      expect(reported).toHaveLength(PHONES);
      expect(reported.every((row) => row.version_name === TARGET)).toBe(true);
    }, 900_000);
  });
}
