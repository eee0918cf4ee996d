import { readFile } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PushMessage } from '../../src/push/push-hub.js';
import type { ComplianceSummary } from '../../src/services/admin/compliance.js';
import type { DeviceCompliance } from '../../src/services/admin/compliance-evaluate.js';
import { startFleet, type Fleet } from '../../simulator/index.js';
import { AdminClient, type EnrolmentToken, type Policy } from '../support/admin-client.js';
import { buildApk } from '../support/apk-builder.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

// A policy change reaches 200 simulated agents. The test holds back the
// config-changed pushes and releases them in two halves. Each device is
// seen pending before its fetch and while it only sends periodic reports,
// and applied only once it has fetched the new version and reported.

const FLEET_SIZE = 200;
// At 60 times real speed the agents' 15-minute reports come every 15 s, and
// their hourly sync check, the only fetch without a push, comes a real
// minute after enrolment. A device that fetches that way is judged by its
// own counters below, so a slow machine cannot fail the test.
const SPEED = 60;
const ENROL_TIMEOUT_MS = 90_000;
const REPORT_TIMEOUT_MS = 40_000;
const APPLY_TIMEOUT_MS = 60_000;
const SAMPLE_INTERVAL_MS = 100;

let server: TestServer;
let admin: AdminClient;
let fleet: Fleet | null = null;

/** Holds config-changed pushes until the test releases them, per device. */
class PushGate {
  private held = new Map<string, PushMessage>();
  private readonly deliver: TestServer['ctx']['push']['notify'];

  constructor(private readonly ctx: TestServer['ctx']) {
    this.deliver = ctx.push.notify.bind(ctx.push);
    ctx.push.notify = (deviceIds, message) => {
      for (const deviceId of deviceIds) this.held.set(deviceId, message);
    };
  }

  heldFor(deviceId: string): boolean {
    return this.held.has(deviceId);
  }

  release(deviceIds: readonly string[]): void {
    for (const deviceId of deviceIds) {
      const message = this.held.get(deviceId);
      if (!message) continue;
      this.held.delete(deviceId);
      this.deliver([deviceId], message);
    }
  }

  open(): void {
    this.ctx.push.notify = this.deliver;
  }
}

beforeAll(async () => {
  server = await startTestServer();
  server.ctx.now = Date.now;
  admin = await AdminClient.login(server.listenUrl, 'admin', TEST_ADMIN_PASSWORD);
  const agentApk = await buildApk({ packageName: 'com.hmdm.launcher', versionCode: 15360, versionName: '6.36', keyName: 'hmdm' });
  const agent = await admin.uploadApk(await readFile(agentApk), 'hmdm-6.36.apk');
  await admin.put('/enrolment/agent', { appVersionId: agent.version.id });
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await server?.dispose();
});

async function policyStates(policyId: string): Promise<Map<string, DeviceCompliance>> {
  const page = await admin.get<{ total: number; items: DeviceCompliance[] }>(`/compliance/devices?policyId=${policyId}&limit=500`);
  return new Map(page.items.map((item) => [item.deviceId, item]));
}

describe('policy versions on a simulated fleet', () => {
  it(
    `a change reaches ${FLEET_SIZE} devices: pending until fetched and reported, then applied`,
    async () => {
      const created = await admin.post<Policy>('/policies', { name: 'Field phones', settings: { pushMode: 'polling' } });
      const token = await admin.post<EnrolmentToken>('/enrolment/tokens', { policyId: created.id });
      const qr = await admin.get<unknown>(`/enrolment/tokens/${encodeURIComponent(token.id)}/qr.json`);

      fleet = await startFleet({ qr, count: FLEET_SIZE, speed: SPEED, seed: 2024, serverUrl: server.listenUrl });
      await fleet.waitFor((f) => f.agents.every((agent) => agent.enrolled && agent.counters.infos >= 1), ENROL_TIMEOUT_MS);
      const before = await policyStates(created.id);
      expect(before.size).toBe(FLEET_SIZE);
      for (const [deviceId, device] of before) {
        expect(device.policy.state, deviceId).toBe('applied');
        expect(device.policy.appliedVersion, deviceId).toBe(1);
      }

      // Save version 2 with the pushes held, so no push tells the devices about it.
      const gate = new PushGate(server.ctx);
      const syncsAtSave = new Map(fleet.agents.map((agent) => [agent.deviceId, agent.counters.syncs]));
      const infosAtSave = new Map(fleet.agents.map((agent) => [agent.deviceId, agent.counters.infos]));
      const saved = await admin.put<Policy & { devices: { applied: number; pending: number } }>(`/policies/${created.id}`, {
        name: created.name,
        settings: { pushMode: 'polling', restrictions: ['no_config_tethering'] },
      });
      expect(saved.version).toBe(2);
      expect(saved.devices).toMatchObject({ applied: 0, pending: FLEET_SIZE });
      for (const agent of fleet.agents) expect(gate.heldFor(agent.deviceId), agent.deviceId).toBe(true);

      // Periodic reports leave every device that has not fetched pending.
      await fleet.waitFor((f) => f.agents.every((agent) => agent.counters.infos > infosAtSave.get(agent.deviceId)!), REPORT_TIMEOUT_MS);
      const reportedOnly = await policyStates(created.id);
      const reportedWithoutFetch = new Set<string>();
      for (const agent of fleet.agents) {
        const device = reportedOnly.get(agent.deviceId)!;
        // Counters are read after the API, so a fetch the API saw is counted here.
        if (agent.counters.syncs !== syncsAtSave.get(agent.deviceId)) continue;
        reportedWithoutFetch.add(agent.deviceId);
        expect(device.policy.state, agent.deviceId).toBe('pending');
        expect(device.policy.appliedVersion, agent.deviceId).toBe(1);
        expect(device.compliant, agent.deviceId).toBe(false);
      }
      expect(reportedWithoutFetch.size).toBeGreaterThan(FLEET_SIZE / 2);

      // While the pushes go out, a device shown applied must have fetched since the save.
      const seenPending = new Set<string>();
      const violations: string[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const states = await policyStates(created.id);
          for (const agent of fleet!.agents) {
            const device = states.get(agent.deviceId)!;
            if (device.policy.state === 'pending') seenPending.add(agent.deviceId);
            const fetched = agent.counters.syncs > syncsAtSave.get(agent.deviceId)!;
            if (device.policy.state === 'applied' && !fetched) violations.push(agent.deviceId);
          }
          await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
        }
      })();

      const firstHalf = fleet.agents.slice(0, FLEET_SIZE / 2).map((agent) => agent.deviceId);
      const secondHalf = fleet.agents.slice(FLEET_SIZE / 2).map((agent) => agent.deviceId);
      gate.release(firstHalf);
      const firstHalfApplied = async () => {
        const states = await policyStates(created.id);
        return firstHalf.filter((deviceId) => states.get(deviceId)!.policy.state === 'applied').length;
      };
      await expect.poll(firstHalfApplied, { timeout: APPLY_TIMEOUT_MS, interval: 200 }).toBe(firstHalf.length);

      const halfway = await policyStates(created.id);
      for (const deviceId of firstHalf) expect(halfway.get(deviceId)!.policy.appliedVersion, deviceId).toBe(2);
      for (const agent of fleet.agents.slice(FLEET_SIZE / 2)) {
        if (agent.counters.syncs !== syncsAtSave.get(agent.deviceId)) continue;
        expect(halfway.get(agent.deviceId)!.policy.state, agent.deviceId).toBe('pending');
        expect(halfway.get(agent.deviceId)!.policy.fetchedVersion, agent.deviceId).toBe(1);
      }

      gate.release(secondHalf);
      gate.open();
      await expect.poll(async () => (await admin.get<ComplianceSummary>('/compliance/summary')).byPolicyState.applied, {
        timeout: APPLY_TIMEOUT_MS,
        interval: 200,
      }).toBe(FLEET_SIZE);
      sampling = false;
      await sampler;

      expect(violations).toEqual([]);
      for (const deviceId of secondHalf) {
        if (reportedWithoutFetch.has(deviceId)) expect(seenPending.has(deviceId), deviceId).toBe(true);
      }
      const after = await policyStates(created.id);
      for (const agent of fleet.agents) {
        const device = after.get(agent.deviceId)!;
        expect(device.policy.appliedVersion, agent.deviceId).toBe(2);
        expect(device.policy.fetchedVersion, agent.deviceId).toBe(2);
        expect(agent.counters.syncs, agent.deviceId).toBeGreaterThan(syncsAtSave.get(agent.deviceId)!);
      }
      const policy = await admin.get<{ devices: { applied: number; pending: number } }>(`/policies/${created.id}`);
      expect(policy.devices).toMatchObject({ applied: FLEET_SIZE, pending: 0 });
      const versions = await admin.get<{ version: number; appliedDevices: number }[]>(`/policies/${created.id}/versions`);
      expect(versions.map((version) => [version.version, version.appliedDevices])).toEqual([
        [2, FLEET_SIZE],
        [1, 0],
      ]);
    },
    240_000,
  );
});
