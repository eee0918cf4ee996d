// The MQTT half of the wire-bytes benchmark against a real embedded broker:
// the measured bytes match the MQTT 3.1.1 packet layouts, TLS adds to each
// step, and the 30-day projection adds up.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { measureMqttTransports, type MqttTransportCosts } from '../../bench/wire-bytes-mqtt.js';
import type { WireBytes } from '../../bench/lib/agent-connection.js';
import { createCertificateChain } from '../../bench/lib/tls-certificates.js';
import { mqttEventCounts, MQTT_AGENT, projectMqttMonth, type MeasuredCosts, type MqttMonthlyProjection } from '../../bench/wire-model.js';
import { agentMqttPassword } from '../../src/push/mqtt/credentials.js';
import { encodeMqttMessage } from '../../src/push/mqtt/publisher.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SECRET = 'wire-mqtt-test-secret';
const DEVICE_ID = 'wire-phone-1';

// HTTP costs of one sync burst; the MQTT projection only multiplies and adds them.
const HTTP_COSTS: MeasuredCosts = {
  holdSeconds: 0,
  fullHandshake: { up: 475, down: 1906 },
  resumedHandshake: { up: 778, down: 241 },
  close: { up: 24, down: 24 },
  config: { up: 270, down: 1050 },
  logRules: { up: 186, down: 405 },
  deviceInfo: { up: 1608, down: 407 },
  poll: { up: 0, down: 0 },
};

let server: TestServer;
let folder: string;
let measured: Record<'tcp' | 'tls', MqttTransportCosts>;

beforeAll(async () => {
  server = await startTestServer({
    env: { OUTPOST_MQTT_MODE: 'embedded', OUTPOST_MQTT_HOST: '127.0.0.1', OUTPOST_MQTT_PORT: '0', OUTPOST_AGENT_SECRET: SECRET },
  });
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-wire-mqtt-'));
  const brokerPort = (server.ctx.push as { embeddedBrokerPort?: number | null }).embeddedBrokerPort;
  if (!brokerPort) throw new Error('The test server started no embedded broker.');

  measured = await measureMqttTransports({
    brokerPort,
    deviceId: DEVICE_ID,
    agentSecret: SECRET,
    sendPush: async () => server.ctx.push.notify([DEVICE_ID], { messageType: 'configUpdated', payload: null }),
    certificates: createCertificateChain(folder),
    http: HTTP_COSTS,
  });
}, 60_000);

afterAll(async () => {
  await server?.dispose();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

/** Length of an MQTT string field: two length bytes and the UTF-8 text. */
const field = (text: string) => 2 + Buffer.byteLength(text);

function total(bytes: WireBytes): number {
  return bytes.up + bytes.down;
}

describe('mqtt wire bytes over plain tcp', () => {
  it('connect and subscribe match the packets', () => {
    const connect = 2 + field('MQTT') + 1 + 1 + 2 + field(DEVICE_ID) + field('hmdm') + field(agentMqttPassword(SECRET));
    const subscribe = 2 + 2 + field(DEVICE_ID) + 1;
    const connack = 4;
    const suback = 5;

    expect(measured.tcp.costs.mqttConnect).toEqual({ up: connect + subscribe, down: connack + suback });
    expect(measured.tcp.costs.mqttReconnect).toEqual({ up: connect + subscribe, down: connack + suback });
  });

  it('ping round is two bytes each way', () => {
    expect(measured.tcp.costs.mqttPing).toEqual({ up: 2, down: 2 });
  });

  it('configUpdated arrives at qos 2 with its handshake', () => {
    const payload = encodeMqttMessage({ messageType: 'configUpdated', payload: null });
    const publish = 2 + field(DEVICE_ID) + 2 + Buffer.byteLength(payload);

    expect(measured.tcp.push.qos).toBe(2);
    expect(measured.tcp.push.payload).toBe(payload);
    // PUBREC and PUBCOMP up; PUBLISH and PUBREL down.
    expect(measured.tcp.costs.mqttMessage).toEqual({ up: 4 + 4, down: publish + 4 });
  });

  it('has no tls handshake', () => {
    expect(measured.tcp.costs.mqttFullHandshake).toEqual({ up: 0, down: 0 });
    expect(measured.tcp.costs.mqttResumedHandshake).toEqual({ up: 0, down: 0 });
  });
});

describe('mqtt wire bytes over tls', () => {
  it('adds record framing to every step', () => {
    for (const step of ['mqttConnect', 'mqttReconnect', 'mqttPing', 'mqttMessage'] as const) {
      expect(measured.tls.costs[step].up, step).toBeGreaterThan(measured.tcp.costs[step].up);
      expect(measured.tls.costs[step].down, step).toBeGreaterThan(measured.tcp.costs[step].down);
    }
  });

  it('resumes the session on reconnect', () => {
    expect(measured.tls.resumed).toBe(true);
    expect(total(measured.tls.costs.mqttResumedHandshake)).toBeGreaterThan(0);
    expect(total(measured.tls.costs.mqttResumedHandshake)).toBeLessThan(total(measured.tls.costs.mqttFullHandshake));
  });
});

describe('mqtt month projection', () => {
  function expectPartsAddUp(month: MqttMonthlyProjection): void {
    const byCategory = Object.values(month.byCategory).reduce((sum, bytes) => sum + bytes, 0);
    const byLine = month.lines.reduce((sum, line) => sum + line.total.up + line.total.down, 0);
    expect(byCategory).toBe(month.total);
    expect(byLine).toBe(month.total);
    expect(month.up + month.down).toBe(month.total);
    for (const [category, bytes] of Object.entries(month.byCategory)) expect(bytes, category).toBeGreaterThan(0);
  }

  it('parts add up over tcp and tls', () => {
    expectPartsAddUp(projectMqttMonth(measured.tcp.costs));
    expectPartsAddUp(projectMqttMonth(measured.tls.costs));
  });

  it('counts pings per keep-alive and no polls', () => {
    const month = projectMqttMonth(measured.tcp.costs);
    const counts = mqttEventCounts(MQTT_AGENT.keepAliveSeconds);
    const pings = month.lines.find((line) => line.event === 'mqttPing');
    const reports = month.lines.find((line) => line.event === 'deviceInfo');

    expect(pings?.count).toBe((30 * 24 * 3600) / MQTT_AGENT.keepAliveSeconds);
    expect(reports?.count).toBe(counts.reports);
    expect(month.lines.map((line) => line.event)).not.toContain('poll');
  });

  it('tls month costs more than tcp', () => {
    expect(projectMqttMonth(measured.tls.costs).byCategory.mqtt).toBeGreaterThan(projectMqttMonth(measured.tcp.costs).byCategory.mqtt);
  });

  it('more reconnects cost more', () => {
    const daily = projectMqttMonth(measured.tls.costs);
    const hourly = projectMqttMonth(measured.tls.costs, 30 * 24);

    expect(hourly.byCategory.mqtt).toBeGreaterThan(daily.byCategory.mqtt);
    expect(hourly.byCategory.agentRequests).toBe(daily.byCategory.agentRequests);
  });
});
