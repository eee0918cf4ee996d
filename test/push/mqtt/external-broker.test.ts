import { randomBytes } from 'node:crypto';
import { connect as connectTcp, createServer, type AddressInfo } from 'node:net';

import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createPushHub, type CompositePushHub } from '../../../src/push/composite-hub.js';
import { ExternalBroker, parseBrokerUrl } from '../../../src/push/mqtt/external-broker.js';
import { captureLogger, waitFor, type ReceivedMessage } from './mqtt-support.js';

// The machine's own Mosquitto, which allows anonymous clients on loopback.
const MOSQUITTO_HOST = '127.0.0.1';
const MOSQUITTO_PORT = 1883;
const MOSQUITTO_URL = `mqtt://${MOSQUITTO_HOST}:${MOSQUITTO_PORT}`;

/** Rejects, naming the command that starts Mosquitto, when nothing listens on its port. */
function requireMosquitto(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(MOSQUITTO_PORT, MOSQUITTO_HOST);
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    const fail = (reason: string) => {
      socket.destroy();
      reject(
        new Error(
          `Mosquitto is not reachable on ${MOSQUITTO_HOST}:${MOSQUITTO_PORT} (${reason}). ` +
            'Start it with `mosquitto -d -c /etc/mosquitto/mosquitto.conf` and run the tests again.',
        ),
      );
    };
    socket.once('timeout', () => fail('connect timed out'));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}

/** Returns a device id no other test run uses, so sessions left on the shared broker do not interfere. */
function uniqueDeviceId(): string {
  return `outpost-test-${randomBytes(6).toString('hex')}`;
}

async function subscribeAsDevice(deviceId: string, clean = true): Promise<{ client: MqttClient; messages: ReceivedMessage[] }> {
  const client = await connectAsync(MOSQUITTO_URL, { clientId: deviceId, clean, protocolVersion: 4, reconnectPeriod: 0 });
  const messages: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, text: payload.toString('utf8'), packet }));
  await client.subscribeAsync(deviceId, { qos: 2 });
  return { client, messages };
}

describe('external broker mode against Mosquitto', () => {
  let connected: CompositePushHub | null = null;
  let setupError: unknown = null;
  const devices: MqttClient[] = [];

  // Each test fails on its own with the setup error, so that a missing
  // Mosquitto shows as failed tests rather than as skipped ones.
  const hubOrFail = (): CompositePushHub => {
    if (connected === null) throw setupError;
    return connected;
  };

  beforeAll(async () => {
    try {
      await requireMosquitto();
      connected = await createPushHub({
        mqtt: { mode: 'external', url: MOSQUITTO_URL },
        agentSecret: 'unused-in-external-mode',
        logger: captureLogger().logger,
      });
    } catch (error) {
      setupError = error;
    }
  });

  afterEach(async () => {
    await Promise.all(devices.splice(0).map((client) => client.endAsync(true)));
  });

  afterAll(async () => {
    await connected?.close();
  });

  it('delivers a message to the device topic', async () => {
    const hub = hubOrFail();
    const deviceId = uniqueDeviceId();
    const device = await subscribeAsDevice(deviceId);
    devices.push(device.client);

    hub.notify([deviceId], { messageType: 'configUpdated' });
    await waitFor(() => device.messages.length === 1, 'the message through Mosquitto');

    const received = device.messages[0]!;
    expect(received.topic).toBe(deviceId);
    expect(received.packet.qos).toBe(2);
    expect(received.packet.retain).toBe(false);
    expect(JSON.parse(received.text)).toEqual({ messageType: 'configUpdated', payload: {} });
  });

  it('delivers a message queued while the device was offline', async () => {
    const hub = hubOrFail();
    const deviceId = uniqueDeviceId();
    const first = await subscribeAsDevice(deviceId, false);
    await first.client.endAsync();

    hub.notify([deviceId], { messageType: 'runApp', payload: { pkg: 'com.dhis2' } });
    await hub.flush();

    const back = await connectAsync(MOSQUITTO_URL, { clientId: deviceId, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    devices.push(back);
    const messages: string[] = [];
    back.on('message', (_topic, payload) => messages.push(payload.toString('utf8')));
    await waitFor(() => messages.length === 1, 'the queued message after reconnecting');

    expect(JSON.parse(messages[0]!)).toEqual({ messageType: 'runApp', payload: { pkg: 'com.dhis2' } });

    // Remove the persistent session from the shared broker.
    await back.endAsync(true);
    const cleanup = await connectAsync(MOSQUITTO_URL, { clientId: deviceId, clean: true, protocolVersion: 4, reconnectPeriod: 0 });
    await cleanup.endAsync();
  });

  it('keeps publishing after an id that cannot be a topic', async () => {
    const hub = hubOrFail();
    const deviceId = uniqueDeviceId();
    const device = await subscribeAsDevice(deviceId);
    devices.push(device.client);

    hub.notify(['bad#id', deviceId], { messageType: 'configUpdated' });
    await waitFor(() => device.messages.length === 1, 'the message to the valid id');

    hub.notify([deviceId], { messageType: 'configUpdated' });
    await waitFor(() => device.messages.length === 2, 'a second message on the same connection');
  });
});

describe('external broker connection errors', () => {
  it('rejects a URL without a reachable broker', async () => {
    const unused = createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', () => resolve()));
    const port = (unused.address() as AddressInfo).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));

    const connecting = ExternalBroker.connect({
      url: `mqtt://outpost:secret-password@127.0.0.1:${port}`,
      logger: captureLogger().logger,
      firstConnectTimeoutMs: 2_000,
    });

    await expect(connecting).rejects.toThrow(`Could not connect to the MQTT broker at mqtt://127.0.0.1:${port}`);
    await expect(connecting).rejects.not.toThrow('secret-password');
  });

  it('parses credentials out of the URL', () => {
    const target = parseBrokerUrl('mqtts://out%40post:p%3Ass%40word@broker.example.org:8883');

    expect(target.urlWithoutCredentials).toBe('mqtts://broker.example.org:8883');
    expect(target.username).toBe('out@post');
    expect(target.password).toBe('p:ss@word');
  });

  it('rejects a URL with another scheme', () => {
    expect(() => parseBrokerUrl('http://broker.example.org')).toThrow('expected mqtt: or mqtts:');
  });

  it('keeps the password out of a parse error', () => {
    expect(() => parseBrokerUrl('mqtt://user:hunter2@[bad')).toThrow(/^(?!.*hunter2)/);
  });
});
