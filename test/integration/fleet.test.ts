import { readFile } from 'node:fs/promises';
import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFleet, type Fleet } from '../../simulator/index.js';
import { AdminClient, type DeviceDetail, type EnrolmentToken, type Policy } from '../support/admin-client.js';
import { buildApk } from '../support/apk-builder.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

// Acceptance test: Outpost behind a public URL with a project path, driven
// only through the admin API, and a fleet of simulated agents provisioned
// from the QR code it serves. A new app version reaches every phone through
// the long-poll wake-up, and a wiped phone comes back as the same record.

const FLEET_SIZE = 50;
// At 10x an agent hour lasts 6 real minutes, far longer than this test, so
// only a push can make the agents sync a second time.
const SPEED = 10;
const ROLLOUT_TIMEOUT_MS = 60_000;

let server: TestServer;
let admin: AdminClient;
let fleet: Fleet | null = null;

/** Returns a loopback port that was free a moment ago. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function uploadBuiltApk(options: Parameters<typeof buildApk>[0]) {
  const file = await buildApk(options);
  return admin.uploadApk(await readFile(file), `${options.packageName}-${options.versionName}.apk`);
}

async function createQr(policy: Policy, tokenOptions: Record<string, unknown> = {}): Promise<unknown> {
  const token = await admin.post<EnrolmentToken>('/enrolment/tokens', { policyId: policy.id, ...tokenOptions });
  return admin.get<unknown>(`/enrolment/tokens/${encodeURIComponent(token.id)}/qr.json`);
}

/** Polls the admin API until `check` returns true or the time is up, and returns the last result. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}/outpost`;
  server = await startTestServer({ publicUrl, port });
  admin = await AdminClient.login(publicUrl, 'admin', TEST_ADMIN_PASSWORD);

  const agent = await uploadBuiltApk({
    packageName: 'com.hmdm.launcher',
    versionCode: 15360,
    versionName: '6.36',
    label: 'Headwind MDM',
    keyName: 'hmdm',
  });
  await admin.put('/enrolment/agent', { appVersionId: agent.version.id });
});

afterAll(async () => {
  await fleet?.stop();
  await server?.dispose();
});

describe('fleet rollout', () => {
  it(
    'delivers a new app version to every enrolled phone once',
    async () => {
      const policy = await admin.post<Policy>('/policies', { name: 'Field phones', settings: { pushMode: 'polling' } });
      const qr = await createQr(policy);
      fleet = await startFleet({ qr, count: FLEET_SIZE, speed: SPEED, seed: 2024 });

      await fleet.waitFor((f) => f.agents.every((agent) => agent.enrolled && agent.counters.infos >= 1), 30_000);
      const enrolled = await admin.listDevices();
      expect(enrolled).toHaveLength(FLEET_SIZE);
      expect(new Set(enrolled.map((device) => device.policyId))).toEqual(new Set([policy.id]));

      const dhis2 = await uploadBuiltApk({ packageName: 'com.dhis2', versionCode: 2, versionName: '2.9.1', keyName: 'dhis2' });
      await admin.put(`/policies/${policy.id}`, {
        name: policy.name,
        settings: { pushMode: 'polling' },
        apps: [{ packageName: 'com.dhis2', appVersionId: dhis2.version.id, action: 'install' }],
      });

      await fleet.waitFor(
        (f) => f.agents.every((agent) => agent.installedVersions().some((app) => app.pkg === 'com.dhis2' && app.versionName === '2.9.1')),
        ROLLOUT_TIMEOUT_MS,
      );

      const devices = await admin.listDevices();
      const details = await eventually(
        () => Promise.all(devices.map((device) => admin.get<DeviceDetail>(`/devices/${device.id}`))),
        (all) => all.every((detail) => detail.installedApps.some((app) => app.packageName === 'com.dhis2' && app.upToDate)),
        15_000,
      );
      for (const detail of details) {
        const installed = detail.installedApps.find((app) => app.packageName === 'com.dhis2');
        expect(installed, `com.dhis2 on ${detail.deviceId}`).toMatchObject({ versionName: '2.9.1', upToDate: true });
      }

      for (const agent of fleet.agents) {
        expect(agent.counters.downloadsByVersion, agent.deviceId).toEqual({ 'com.dhis2@2.9.1': 1 });
        expect(agent.counters.installs, agent.deviceId).toBe(1);
        expect(agent.counters.signatureMismatches, agent.deviceId).toBe(0);
        expect(agent.counters.digestMismatches, agent.deviceId).toBe(0);
        expect(agent.counters.installFailures, agent.deviceId).toBe(0);
        expect(agent.counters.pushMessages, agent.deviceId).toBeGreaterThanOrEqual(1);
        expect(agent.counters.enrolments, agent.deviceId).toBe(1);
      }
      // The hourly check never fired: every sync after the enrolment came from a push.
      expect(fleet.simulatedElapsedMs()).toBeLessThan(3_600_000);

      await fleet.stop();
      fleet = null;
    },
    120_000,
  );
});

describe('factory reset', () => {
  it(
    'keeps one device record with the next generation',
    async () => {
      const policy = await admin.post<Policy>('/policies', { name: 'Reset phones', settings: { pushMode: 'polling' } });
      const qr = await createQr(policy, { deviceIdSource: 'serial' });
      fleet = await startFleet({ qr, count: 1, speed: 600, seed: 77 });
      const agent = fleet.agents[0]!;
      await fleet.waitFor(() => agent.enrolled && agent.counters.infos >= 1, 20_000);

      await agent.wipe();
      await fleet.waitFor(() => agent.counters.enrolments === 2 && agent.counters.infos >= 2, 20_000);

      const records = await eventually(
        () => admin.listDevices(`search=${encodeURIComponent(agent.profile.serial)}`),
        (found) => found.length === 1 && found[0]!.enrolmentGeneration === 2,
        10_000,
      );
      expect(records).toHaveLength(1);
      expect(records[0]!.deviceId).toBe(agent.profile.serial);
      expect(records[0]!.serial).toBe(agent.profile.serial);
      expect(records[0]!.enrolmentGeneration).toBe(2);
      expect(agent.counters.resets).toBe(1);

      await fleet.stop();
      fleet = null;
    },
    60_000,
  );
});
