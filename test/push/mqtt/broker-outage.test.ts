import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect as connectTcp, createServer, type AddressInfo, type Server } from 'node:net';

import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { AppContext } from '../../../src/context.js';
import { collectMqttGauges } from '../../../src/metrics/mqtt-gauges.js';
import { createPushHub, type CompositePushHub } from '../../../src/push/composite-hub.js';
import { brokerReconnectDelayMs, DEFAULT_BROKER_BACKOFF } from '../../../src/push/mqtt/external-broker.js';
import { PendingWakeUps } from '../../../src/push/mqtt/external-broker-queue.js';
import { LongPollHub } from '../../../src/push/long-poll-hub.js';
import { freePort, runOutpost } from '../../support/outpost-process.js';
import { TcpCutProxy } from '../../support/tcp-cut-proxy.js';
import { captureLogger, delay, waitFor, type ReceivedMessage } from './mqtt-support.js';

// Outpost publishes to an external broker through a TCP proxy that the test
// cuts, as a broker restart or a network outage looks to Outpost. Phones
// stay connected to the broker itself. Runs against an Aedes broker started
// here, and against the machine's Mosquitto on 127.0.0.1:1883 when it runs.

const MOSQUITTO_PORT = 1883;
const PUBLISHER_PASSWORD = 'broker-outage-password';
// More queued messages than the 20 publishes in flight at a time, so the
// flush after the outage must go through that limit (Mosquitto loses QoS 2
// messages past its own max_inflight_messages of 20).
const DEVICE_COUNT = 60;
const POLICY_CHANGES_DURING_OUTAGE = 4;
// The first reconnection attempt comes one second after the cut, so the broker is back within a few.
const RECOVERY_TIMEOUT_MS = 15_000;

interface TestBroker {
  name: string;
  port: number;
  stop(): Promise<void>;
}

async function startAedes(): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    name: 'Aedes',
    port: (server.address() as AddressInfo).port,
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function mosquittoRuns(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(MOSQUITTO_PORT, '127.0.0.1');
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

const brokers: Array<{ name: string; start(): Promise<TestBroker> }> = [{ name: 'Aedes', start: startAedes }];
if (await mosquittoRuns()) {
  brokers.push({ name: 'Mosquitto', start: async () => ({ name: 'Mosquitto', port: MOSQUITTO_PORT, stop: async () => {} }) });
}

async function subscribeAsDevice(port: number, deviceId: string): Promise<{ client: MqttClient; messages: ReceivedMessage[] }> {
  const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: deviceId, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
  const messages: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, text: payload.toString('utf8'), packet }));
  await client.subscribeAsync(deviceId, { qos: 2 });
  return { client, messages };
}

/** Returns the value of an unlabelled sample in Prometheus text, or undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

describe.each(brokers)('external broker going away: $name', (brokerKind) => {
  let broker: TestBroker;
  let proxy: TcpCutProxy;
  let hub: CompositePushHub;
  let logs: ReturnType<typeof captureLogger>;
  let metrics: Registry;
  const devices: MqttClient[] = [];

  beforeAll(async () => {
    broker = await brokerKind.start();
    proxy = await TcpCutProxy.start({ host: '127.0.0.1', port: broker.port });
    logs = captureLogger();
    hub = await createPushHub({
      mqtt: { mode: 'external', url: `mqtt://outpost:${PUBLISHER_PASSWORD}@127.0.0.1:${proxy.port}` },
      agentSecret: 'unused-in-external-mode',
      logger: logs.logger,
      longPoll: new LongPollHub(),
    });

    metrics = new Registry();
    collectMqttGauges({ push: hub } as unknown as AppContext, metrics);
  });

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((client) => client.endAsync(true)));
  });

  afterAll(async () => {
    await hub?.close();
    await proxy?.close();
    await broker?.stop();
  });

  it('queues wake-ups during the outage and delivers them once after', { timeout: 30_000 }, async () => {
    const run = randomBytes(4).toString('hex');
    const ids = Array.from({ length: DEVICE_COUNT }, (_, index) => `outage-${run}-${index}`);
    const subscribers = await Promise.all(ids.map((id) => subscribeAsDevice(broker.port, id)));
    devices.push(...subscribers.map((subscriber) => subscriber.client));
    const logStart = logs.lines.length;

    proxy.cut();
    await waitFor(() => hub.mqttStatus()?.connected === false, 'the publisher to notice the cut');

    // A long-polling phone is woken at once, broker or not.
    const poll = hub.waitForMessages(ids[0] as string, 10_000, new AbortController().signal);
    for (let change = 0; change < POLICY_CHANGES_DURING_OUTAGE; change += 1) hub.notify(ids, { messageType: 'configUpdated' });
    hub.notify([ids[1] as string], { messageType: 'textMessage', payload: { text: 'during the outage' } });
    expect((await poll).map((message) => message.messageType)).toEqual(['configUpdated']);
    await hub.flush();

    // Repeated changes coalesce per device: one configUpdated each, plus the text message.
    expect(hub.mqttStatus()?.queued).toBe(DEVICE_COUNT + 1);
    const during = await metrics.metrics();
    expect(sample(during, 'outpost_mqtt_broker_connected')).toBe(0);
    expect(sample(during, 'outpost_mqtt_queued_wakeups')).toBe(DEVICE_COUNT + 1);
    await delay(1_500);
    expect(subscribers.map((subscriber) => subscriber.messages.length)).toEqual(ids.map(() => 0));

    proxy.restore();
    await waitFor(
      () => subscribers.every((subscriber, index) => subscriber.messages.length === (index === 1 ? 2 : 1)),
      'the queued wake-ups after the broker came back',
      RECOVERY_TIMEOUT_MS,
    );
    await delay(300);

    for (const [index, subscriber] of subscribers.entries()) {
      const received = subscriber.messages.map((message) => JSON.parse(message.text) as { messageType: string });
      const expected = index === 1 ? ['configUpdated', 'textMessage'] : ['configUpdated'];
      expect(received.map((message) => message.messageType)).toEqual(expected);
      expect(subscriber.messages.every((message) => message.packet.qos === 2)).toBe(true);
    }
    expect(hub.mqttStatus()?.queued).toBe(0);
    const after = await metrics.metrics();
    expect(sample(after, 'outpost_mqtt_broker_connected')).toBe(1);
    expect(sample(after, 'outpost_mqtt_queued_wakeups')).toBe(0);
    expect(sample(after, 'outpost_mqtt_dropped_wakeups_total')).toBe(0);

    // The outage is logged once when it starts and once when it ends, never per message.
    const lines = logs.lines.slice(logStart);
    const messagesOf = (text: string) => lines.filter((line) => line.msg === text);
    expect(messagesOf('mqtt publisher lost its connection; queueing wake-ups and retrying')).toHaveLength(1);
    expect(messagesOf('mqtt publisher reconnected')).toHaveLength(1);
    expect(messagesOf('mqtt publish failed')).toHaveLength(0);
    expect(messagesOf('mqtt publisher connection error').length).toBeLessThanOrEqual(1);
    expect(JSON.stringify(lines)).not.toContain(PUBLISHER_PASSWORD);
  });

  it('publishes at once again after recovery', async () => {
    const deviceId = `outage-after-${randomBytes(4).toString('hex')}`;
    const subscriber = await subscribeAsDevice(broker.port, deviceId);
    devices.push(subscriber.client);

    hub.notify([deviceId], { messageType: 'configUpdated' });
    await waitFor(() => subscriber.messages.length === 1, 'the message on the restored connection');
    expect(hub.mqttStatus()?.queued).toBe(0);
  });
});

describe('wake-up queue for an unreachable broker', () => {
  it('coalesces a repeated payload per device', () => {
    const queue = new PendingWakeUps(10, 3);

    expect(queue.add('phone-1', 'a')).toBe('queued');
    expect(queue.add('phone-1', 'a')).toBe('coalesced');
    expect(queue.add('phone-2', 'a')).toBe('queued');
    expect(queue.size).toBe(2);
  });

  it('drops past the per-device limit', () => {
    const queue = new PendingWakeUps(10, 2);
    queue.add('phone-1', 'a');
    queue.add('phone-1', 'b');

    expect(queue.add('phone-1', 'c')).toBe('dropped');
    expect(queue.size).toBe(2);
    expect(queue.dropped).toBe(1);
  });

  it('drops new devices past the device limit', () => {
    const queue = new PendingWakeUps(2, 5);
    queue.add('phone-1', 'a');
    queue.add('phone-2', 'a');

    expect(queue.add('phone-3', 'a')).toBe('dropped');
    expect(queue.add('phone-1', 'b')).toBe('queued');
    expect(queue.dropped).toBe(1);
  });

  it('hands out everything once, in order', () => {
    const queue = new PendingWakeUps();
    queue.add('phone-1', 'a');
    queue.add('phone-2', 'b');
    queue.add('phone-1', 'c');

    expect(queue.takeAll()).toEqual([
      { deviceId: 'phone-1', payload: 'a' },
      { deviceId: 'phone-1', payload: 'c' },
      { deviceId: 'phone-2', payload: 'b' },
    ]);
    expect(queue.size).toBe(0);
    expect(queue.takeAll()).toEqual([]);
  });
});

describe('broker reconnection backoff', () => {
  it('doubles up to the maximum', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => brokerReconnectDelayMs(DEFAULT_BROKER_BACKOFF, attempt));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe('outpost serve with an unreachable broker URL', () => {
  it('exits with a message naming the broker', { timeout: 40_000 }, async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-broker-url-'));
    const { child, output } = runOutpost(['serve'], {
      OUTPOST_DATA_DIR: dataDir,
      OUTPOST_HOST: '127.0.0.1',
      OUTPOST_PORT: String(await freePort()),
      OUTPOST_DATABASE_URL: ':memory:',
      OUTPOST_MQTT_MODE: 'external',
      OUTPOST_MQTT_URL: `mqtt://outpost:${PUBLISHER_PASSWORD}@127.0.0.1:${port}`,
      OUTPOST_ADMIN_PASSWORD: 'unused-admin-password',
      OUTPOST_LOG_LEVEL: 'warn',
    });
    const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    fs.rmSync(dataDir, { recursive: true, force: true });

    expect(status).toBe(1);
    expect(output()).toContain(`Could not connect to the MQTT broker at mqtt://127.0.0.1:${port}`);
    expect(output()).toContain('Check the broker URL');
    expect(output()).not.toContain(PUBLISHER_PASSWORD);
  });
});
