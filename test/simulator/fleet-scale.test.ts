import { afterEach, describe, expect, it } from 'vitest';

import type { CompositePushHub } from '../../src/push/composite-hub.js';
import { startFleet, type Fleet } from '../../simulator/index.js';
import { AdminClient, type EnrolmentToken, type Policy } from '../support/admin-client.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

// A thousand simulated agents in this one process against a real Outpost on
// loopback: half long-poll and half hold an MQTT subscription on the
// embedded broker. Each agent must enrol, sync, start listening and then
// sync again after its policy changes once.

const AGENTS_PER_TRANSPORT = 500;
// At speed 60 an agent whose MQTT connect failed on a busy machine retries
// after 15 real seconds instead of 15 minutes. The hourly sync check then
// comes after a real minute, so the test checks push messages as well as syncs.
const SPEED = 60;
// Both fleets start over 8 s, so the enrolments of 1,000 agents overlap but
// the MQTT connects do not all arrive in the same second.
const RAMP_MS = 8_000;
const READY_TIMEOUT_MS = 40_000;
const PUSH_TIMEOUT_MS = 20_000;

let server: TestServer | null = null;
const fleets: Fleet[] = [];

afterEach(async () => {
  await Promise.all(fleets.map((fleet) => fleet.stop()));
  fleets.length = 0;
  await server?.dispose();
  server = null;
});

/** Creates a policy with the given push mode and returns it with the QR admin extras of a fresh token. */
async function enrolmentFor(admin: AdminClient, pushMode: 'polling' | 'mqttWorker'): Promise<{ policy: Policy; qr: unknown }> {
  const policy = await admin.post<Policy>('/policies', { name: `Scale ${pushMode}`, settings: { pushMode } });
  const token = await admin.post<EnrolmentToken>('/enrolment/tokens', { policyId: policy.id });
  const qr = {
    'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
      'com.hmdm.BASE_URL': server!.ctx.config.publicUrl.origin,
      'com.hmdm.SERVER_PROJECT': server!.ctx.config.projectPath,
      'com.hmdm.CONFIG': token.id,
    },
  };
  return { policy, qr };
}

function allListening(fleet: Fleet): boolean {
  return fleet.agents.every((agent) => agent.enrolled && agent.lastSyncAt !== null && agent.listening);
}

describe('simulator fleet at scale', () => {
  it(
    `serves ${2 * AGENTS_PER_TRANSPORT} agents on polling and MQTT`,
    async () => {
      server = await startTestServer({
        env: { OUTPOST_MQTT_MODE: 'embedded', OUTPOST_MQTT_HOST: '127.0.0.1', OUTPOST_MQTT_PORT: '0' },
      });
      const mqttPort = (server.ctx.push as CompositePushHub).embeddedBrokerPort;
      expect(mqttPort).toBeGreaterThan(0);
      const admin = await AdminClient.login(server.listenUrl, 'admin', TEST_ADMIN_PASSWORD);
      const polling = await enrolmentFor(admin, 'polling');
      const mqtt = await enrolmentFor(admin, 'mqttWorker');

      const common = { count: AGENTS_PER_TRANSPORT, speed: SPEED, rampMs: RAMP_MS, serverUrl: server.listenUrl, mqttPort: mqttPort! };
      const pollingFleet = await startFleet({ ...common, qr: polling.qr, seed: 101 });
      fleets.push(pollingFleet);
      const mqttFleet = await startFleet({ ...common, qr: mqtt.qr, seed: 202 });
      fleets.push(mqttFleet);

      await pollingFleet.waitFor(allListening, READY_TIMEOUT_MS);
      await mqttFleet.waitFor(allListening, READY_TIMEOUT_MS);
      // An agent counts as listening once its poll is sent, a moment before Outpost registers it.
      await pollingFleet.waitFor(() => server!.ctx.push.openPollCount() === AGENTS_PER_TRANSPORT, READY_TIMEOUT_MS);
      const deviceIds = new Set([...pollingFleet.agents, ...mqttFleet.agents].map((agent) => agent.deviceId));
      expect(deviceIds.size).toBe(2 * AGENTS_PER_TRANSPORT);

      const agents = [...pollingFleet.agents, ...mqttFleet.agents];
      expect(agents.filter((agent) => agent.counters.pushMessages > 0).length, 'agents pushed to before the change').toBe(0);
      const syncsBefore = new Map(agents.map((agent) => [agent, agent.counters.syncs]));

      await admin.put(`/policies/${polling.policy.id}`, { name: polling.policy.name, settings: { pushMode: 'polling', gps: true } });
      await admin.put(`/policies/${mqtt.policy.id}`, { name: mqtt.policy.name, settings: { pushMode: 'mqttWorker', gps: true } });
      const pushedAndSynced = (fleet: Fleet) =>
        fleet.agents.every((agent) => agent.counters.pushMessages >= 1 && agent.counters.syncs > syncsBefore.get(agent)!);
      await pollingFleet.waitFor(pushedAndSynced, PUSH_TIMEOUT_MS);
      await mqttFleet.waitFor(pushedAndSynced, PUSH_TIMEOUT_MS);

      for (const agent of pollingFleet.agents) {
        expect(agent.counters.enrolments, agent.deviceId).toBe(1);
        expect(agent.counters.pushMessages, agent.deviceId).toBeGreaterThanOrEqual(1);
        expect(agent.counters.mqttConnects, `${agent.deviceId} connected to MQTT`).toBe(0);
        expect(agent.counters.signatureMismatches, agent.deviceId).toBe(0);
      }
      for (const agent of mqttFleet.agents) {
        expect(agent.counters.enrolments, agent.deviceId).toBe(1);
        expect(agent.counters.pushMessages, agent.deviceId).toBeGreaterThanOrEqual(1);
        expect(agent.counters.polls, `${agent.deviceId} long-polled`).toBe(0);
        expect(agent.counters.signatureMismatches, agent.deviceId).toBe(0);
      }
    },
    120_000,
  );
});
