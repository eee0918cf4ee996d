import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';

import { connectAsync } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { CompositePushHub } from '../../src/push/composite-hub.js';
import { startFleet, type Fleet } from '../../simulator/index.js';
import { AdminClient, type EnrolmentToken, type Policy } from '../support/admin-client.js';
import { buildApk } from '../support/apk-builder.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

// Simulated agents set to MQTT push connect to the broker the way the stock
// agent does, and a policy change must reach every one of them over MQTT
// alone: first through Outpost's embedded broker, then through the
// machine's Mosquitto with Outpost publishing as an external client.

const FLEET_SIZE = 500;
// Real time: the agent's 15-minute and hourly checks never fire during the
// test, so every sync after enrolment comes from a push.
const SPEED = 1;
const ENROL_TIMEOUT_MS = 90_000;
const PUSH_TIMEOUT_MS = 30_000;
// The machine's Mosquitto allows anonymous clients on loopback.
const MOSQUITTO_PORT = 1883;
const MOSQUITTO_URL = `mqtt://127.0.0.1:${MOSQUITTO_PORT}`;

let fleet: Fleet | null = null;
let server: TestServer | null = null;

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await server?.dispose();
  server = null;
});

async function prepareServer(env: Record<string, string>): Promise<{ admin: AdminClient; qr: unknown; policy: Policy }> {
  server = await startTestServer({ env });
  const admin = await AdminClient.login(server.listenUrl, 'admin', TEST_ADMIN_PASSWORD);
  const agentApk = await buildApk({
    packageName: 'com.hmdm.launcher',
    versionCode: 15360,
    versionName: '6.36',
    label: 'Headwind MDM',
    keyName: 'hmdm',
  });
  const agent = await admin.uploadApk(await readFile(agentApk), 'hmdm-6.36.apk');
  await admin.put('/enrolment/agent', { appVersionId: agent.version.id });

  const policy = await admin.post<Policy>('/policies', { name: 'MQTT phones', settings: { pushMode: 'mqttWorker' } });
  const token = await admin.post<EnrolmentToken>('/enrolment/tokens', { policyId: policy.id });
  const qr = await admin.get<unknown>(`/enrolment/tokens/${encodeURIComponent(token.id)}/qr.json`);
  return { admin, qr, policy };
}

/** Enrols the fleet, changes the policy once and checks that every agent synced again because of an MQTT message. */
async function expectPolicyChangeOverMqtt(admin: AdminClient, qr: unknown, policy: Policy, mqttPort: number): Promise<void> {
  fleet = await startFleet({ qr, count: FLEET_SIZE, speed: SPEED, seed: randomInt(2 ** 31), serverUrl: server!.listenUrl, mqttPort });
  await fleet.waitFor(
    (f) => f.agents.every((agent) => agent.enrolled && agent.counters.infos >= 1 && agent.mqttConnected),
    ENROL_TIMEOUT_MS,
  );
  const syncsBefore = new Map(fleet.agents.map((agent) => [agent.deviceId, agent.counters.syncs]));

  await admin.put(`/policies/${policy.id}`, { name: policy.name, settings: { pushMode: 'mqttWorker', gps: true } });
  await fleet.waitFor(
    (f) => f.agents.every((agent) => agent.counters.syncs > syncsBefore.get(agent.deviceId)!),
    PUSH_TIMEOUT_MS,
  );

  for (const agent of fleet.agents) {
    expect(agent.counters.pushMessages, agent.deviceId).toBeGreaterThanOrEqual(1);
    expect(agent.counters.polls, `${agent.deviceId} never long-polled`).toBe(0);
    expect(agent.counters.pushParseErrors, agent.deviceId).toBe(0);
    expect(agent.counters.enrolments, agent.deviceId).toBe(1);
  }
}

describe('MQTT push to simulated agents', () => {
  it(
    `reaches ${FLEET_SIZE} agents through the embedded broker`,
    async () => {
      const { admin, qr, policy } = await prepareServer({
        OUTPOST_MQTT_MODE: 'embedded',
        OUTPOST_MQTT_HOST: '127.0.0.1',
        OUTPOST_MQTT_PORT: '0',
      });
      const port = (server!.ctx.push as CompositePushHub).embeddedBrokerPort;
      expect(port).toBeGreaterThan(0);
      await expectPolicyChangeOverMqtt(admin, qr, policy, port!);
    },
    180_000,
  );

  describe('through the local Mosquitto', () => {
    const deviceIds: string[] = [];

    afterAll(async () => {
      // Persistent sessions would stay on the shared broker; a clean connect removes each.
      for (const clientId of deviceIds) {
        const client = await connectAsync(MOSQUITTO_URL, { clientId, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
        await client.endAsync();
      }
    });

    it(
      `reaches ${FLEET_SIZE} agents with Outpost publishing as an external client`,
      async () => {
        const { admin, qr, policy } = await prepareServer({ OUTPOST_MQTT_MODE: 'external', OUTPOST_MQTT_URL: MOSQUITTO_URL });
        try {
          await expectPolicyChangeOverMqtt(admin, qr, policy, MOSQUITTO_PORT);
        } finally {
          deviceIds.push(...(fleet?.agents.map((agent) => agent.deviceId) ?? []));
        }
      },
      180_000,
    );
  });
});
