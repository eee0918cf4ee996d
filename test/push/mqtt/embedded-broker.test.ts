import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { pollingBody } from '../../../src/agent-api/polling-routes.js';
import { createPushHub, type CompositePushHub } from '../../../src/push/composite-hub.js';
import { EmbeddedBroker } from '../../../src/push/mqtt/embedded-broker.js';
import { MAX_CONNECTS_PER_WINDOW } from '../../../src/push/mqtt/connection-guard.js';
import { MqttPublisher } from '../../../src/push/mqtt/publisher.js';
import { captureLogger, connectAgent, delay, TEST_AGENT_SECRET, waitFor } from './mqtt-support.js';

const clients: MqttClient[] = [];

async function agent(port: number, deviceId: string, overrides = {}) {
  const connection = await connectAgent(port, deviceId, overrides);
  clients.push(connection.client);
  return connection;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
});

describe('embedded broker through the composite hub', () => {
  let hub: CompositePushHub;
  let port: number;
  let logs: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    logs = captureLogger();
    hub = await createPushHub({
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      agentSecret: TEST_AGENT_SECRET,
      logger: logs.logger,
    });
    port = hub.embeddedBrokerPort ?? 0;
  });

  afterEach(async () => {
    await hub.close();
  });

  it('delivers configUpdated with an object payload', async () => {
    const { client, messages } = await agent(port, 'phone-1');
    const granted = await client.subscribeAsync('phone-1', { qos: 2 });
    expect(granted[0]?.qos).toBe(2);

    hub.notify(['phone-1'], { messageType: 'configUpdated' });
    await waitFor(() => messages.length === 1, 'the configUpdated message');

    const received = messages[0]!;
    expect(received.topic).toBe('phone-1');
    expect(received.packet.qos).toBe(2);
    expect(received.packet.retain).toBe(false);
    const body = JSON.parse(received.text);
    expect(body).toEqual({ messageType: 'configUpdated', payload: {} });
    expect(typeof body.payload).toBe('object');
  });

  it('delivers a burst of QoS 2 messages', async () => {
    const { client, messages } = await agent(port, 'phone-14');
    await client.subscribeAsync('phone-14', { qos: 2 });

    const packages = ['com.dhis2', 'org.example.one', 'org.example.two', 'org.example.three'];
    for (const pkg of packages) hub.notify(['phone-14'], { messageType: 'runApp', payload: { pkg } });
    await waitFor(() => messages.length === packages.length, 'all messages of the burst');

    const received = messages.map((message) => JSON.parse(message.text).payload.pkg);
    expect(received.sort()).toEqual([...packages].sort());
  });

  it('sends the same message to the long poll with a string payload', async () => {
    const { client, messages } = await agent(port, 'phone-2');
    await client.subscribeAsync('phone-2', { qos: 2 });

    const message = { messageType: 'runApp', payload: { pkg: 'com.dhis2' } };
    hub.notify(['phone-2'], message);
    await waitFor(() => messages.length === 1, 'the runApp message');

    expect(JSON.parse(messages[0]!.text)).toEqual({ messageType: 'runApp', payload: { pkg: 'com.dhis2' } });

    const polled = await hub.waitForMessages('phone-2', 1_000, new AbortController().signal);
    expect(polled).toEqual([message]);
    const pollData = JSON.parse(pollingBody(polled)).data;
    expect(pollData).toEqual([{ messageType: 'runApp', payload: '{"pkg":"com.dhis2"}' }]);
  });

  it('rejects a wrong password', async () => {
    const attempt = connectAgent(port, 'phone-3', { password: 'D54F553ED2EAC4DCF371B38366EBFA1B5973811A' });
    await expect(attempt).rejects.toMatchObject({ code: 4 });
    expect(logs.lines.some((line) => line.msg === 'mqtt connect rejected: bad user name or password')).toBe(true);
    expect(JSON.stringify(logs.lines)).not.toContain('D54F553ED2EAC4DCF371B38366EBFA1B5973811A');
  });

  it('rejects a wrong user name', async () => {
    await expect(connectAgent(port, 'phone-3', { username: 'admin' })).rejects.toMatchObject({ code: 4 });
  });

  it('rejects a missing password', async () => {
    await expect(connectAgent(port, 'phone-3', { password: undefined })).rejects.toMatchObject({ code: 4 });
  });

  it('rejects a client id with a wildcard', async () => {
    await expect(connectAgent(port, 'phone#1')).rejects.toMatchObject({ code: 2 });
  });

  it('rejects subscriptions to other topics', async () => {
    const { client } = await agent(port, 'phone-4');

    for (const topic of ['phone-5', '#', '+', 'phone-4/#', '$SYS/#', 'phone-4/x']) {
      const subscribing = client.subscribeAsync(topic, { qos: 2 });
      await expect(subscribing, `SUBACK for ${topic}`).rejects.toMatchObject({ packet: { granted: [128] } });
    }
    expect(client.connected).toBe(true);
    expect(logs.lines.some((line) => line.msg === 'mqtt subscription rejected' && line.topic === 'phone-5')).toBe(true);
  });

  it('keeps messages to other devices from a wildcard subscriber', async () => {
    const { client, messages } = await agent(port, 'phone-6');
    await expect(client.subscribeAsync('#', { qos: 2 })).rejects.toThrow('Subscribe error');
    await expect(client.subscribeAsync('phone-7', { qos: 2 })).rejects.toThrow('Subscribe error');

    hub.notify(['phone-7'], { messageType: 'configUpdated' });
    await hub.flush();
    await delay(200);

    expect(messages).toEqual([]);
  });

  it('closes a device that publishes', async () => {
    const target = await agent(port, 'phone-8');
    await target.client.subscribeAsync('phone-8', { qos: 2 });
    const sender = await agent(port, 'phone-9');
    const closed = new Promise<void>((resolve) => sender.client.once('close', () => resolve()));

    sender.client.publish('phone-8', '{"messageType":"reboot"}', { qos: 1 });
    await closed;
    await delay(200);

    expect(target.messages).toEqual([]);
    expect(logs.lines.some((line) => line.msg === 'mqtt publish rejected: devices may not publish')).toBe(true);
  });

  it('delivers a message queued while offline', async () => {
    const first = await agent(port, 'phone-10');
    await first.client.subscribeAsync('phone-10', { qos: 2 });
    await first.client.endAsync();

    hub.notify(['phone-10'], { messageType: 'configUpdated' });
    await hub.flush();

    const second = await agent(port, 'phone-10');
    expect(second.sessionPresent).toBe(true);
    await waitFor(() => second.messages.length === 1, 'the queued message after reconnecting');

    expect(second.messages[0]!.packet.qos).toBe(2);
    expect(JSON.parse(second.messages[0]!.text)).toEqual({ messageType: 'configUpdated', payload: {} });
  });

  it('rejects connects past the per-id limit', async () => {
    for (let attempt = 0; attempt < MAX_CONNECTS_PER_WINDOW; attempt++) {
      const { client } = await connectAgent(port, 'phone-11', { clean: true });
      await client.endAsync();
    }

    await expect(connectAgent(port, 'phone-11', { clean: true })).rejects.toMatchObject({ code: 3 });
    const other = await agent(port, 'phone-12');
    expect(other.client.connected).toBe(true);
  });

  it('logs a device id collision once a minute', async () => {
    const options = { reconnectPeriod: 50 };
    await agent(port, 'phone-13', options);
    await agent(port, 'phone-13', options);

    const isCollision = (line: Record<string, unknown>) => typeof line.msg === 'string' && line.msg.startsWith('mqtt device id collision');
    await waitFor(() => logs.lines.some(isCollision), 'the collision warning');
    await delay(1_000);

    const collisions = logs.lines.filter(isCollision);
    expect(collisions).toHaveLength(1);
    expect(collisions[0]).toMatchObject({ deviceId: 'phone-13', level: 40 });
  });
});

describe('embedded broker offline queue', () => {
  let broker: EmbeddedBroker;
  let publisher: MqttPublisher;

  beforeEach(async () => {
    const { logger } = captureLogger();
    broker = await EmbeddedBroker.start({ host: '127.0.0.1', port: 0, agentSecret: TEST_AGENT_SECRET, logger });
    publisher = new MqttPublisher(broker, logger);
  });

  afterEach(async () => {
    await broker.close();
  });

  async function goOffline(deviceId: string): Promise<void> {
    const { client } = await connectAgent(broker.port, deviceId);
    await client.subscribeAsync(deviceId, { qos: 2 });
    await client.endAsync();
    await waitFor(() => broker.connectedClients === 0, 'the broker to see the disconnect');
  }

  it('coalesces repeated messages while offline', async () => {
    await goOffline('phone-20');

    await publisher.publish(['phone-20'], { messageType: 'configUpdated' });
    await publisher.publish(['phone-20'], { messageType: 'configUpdated' });
    await publisher.publish(['phone-20'], { messageType: 'runApp', payload: { pkg: 'com.dhis2' } });

    const back = await agent(broker.port, 'phone-20');
    await waitFor(() => back.messages.length >= 2, 'the queued messages');
    await delay(200);

    const types = back.messages.map((message) => JSON.parse(message.text).messageType);
    expect(types).toEqual(['configUpdated', 'runApp']);
  });

  it('delivers every queued QoS 2 message', async () => {
    await goOffline('phone-24');
    const packages = ['com.dhis2', 'org.example.one', 'org.example.two', 'org.example.three'];
    for (const pkg of packages) await publisher.publish(['phone-24'], { messageType: 'runApp', payload: { pkg } });

    const back = await agent(broker.port, 'phone-24');
    await waitFor(() => back.messages.length === packages.length, 'every queued message');

    expect(back.messages.map((message) => JSON.parse(message.text).payload.pkg)).toEqual(packages);
  });

  it('queues the same message again after a reconnect', async () => {
    await goOffline('phone-21');
    await publisher.publish(['phone-21'], { messageType: 'configUpdated' });

    const back = await agent(broker.port, 'phone-21');
    await waitFor(() => back.messages.length === 1, 'the first queued message');
    await back.client.endAsync();
    clients.splice(clients.indexOf(back.client), 1);
    await waitFor(() => broker.connectedClients === 0, 'the broker to see the second disconnect');

    await publisher.publish(['phone-21'], { messageType: 'configUpdated' });
    const again = await agent(broker.port, 'phone-21');
    await waitFor(() => again.messages.length === 1, 'the second queued message');
  });

  it('skips device ids that cannot be topics', async () => {
    const result = await publisher.publish(['bad#id', 'a/b', 'phone-22'], { messageType: 'configUpdated' });

    expect(result.invalid).toEqual(['bad#id', 'a/b']);
    expect(result.published).toBe(1);
    expect(result.failed).toEqual([]);
  });

  it('stops listening on close', async () => {
    const port = broker.port;
    await broker.close();

    await expect(connectAgent(port, 'phone-23')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
