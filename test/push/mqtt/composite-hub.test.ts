import { createServer, type AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import { CompositePushHub, createPushHub } from '../../../src/push/composite-hub.js';
import { LongPollHub } from '../../../src/push/long-poll-hub.js';
import { MqttPublisher, type MqttTransport } from '../../../src/push/mqtt/publisher.js';
import { captureLogger, TEST_AGENT_SECRET } from './mqtt-support.js';

class SlowTransport implements MqttTransport {
  readonly sent: string[] = [];
  closed = false;

  async publish(deviceId: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.sent.push(deviceId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('CompositePushHub', () => {
  it('sends each message both ways', async () => {
    const transport = new SlowTransport();
    const { logger } = captureLogger();
    const hub = new CompositePushHub(new LongPollHub(), new MqttPublisher(transport, logger), logger);

    hub.notify(['phone-1'], { messageType: 'configUpdated' });
    await hub.flush();

    expect(transport.sent).toEqual(['phone-1']);
    const polled = await hub.waitForMessages('phone-1', 100, new AbortController().signal);
    expect(polled).toEqual([{ messageType: 'configUpdated' }]);
  });

  it('counts open polls of the long-poll hub', async () => {
    const hub = await createPushHub({ mqtt: { mode: 'off' }, agentSecret: TEST_AGENT_SECRET, logger: captureLogger().logger });
    const abort = new AbortController();
    const waiting = hub.waitForMessages('phone-1', 5_000, abort.signal);

    expect(hub.openPollCount()).toBe(1);
    abort.abort();
    expect(await waiting).toEqual([]);
    expect(hub.openPollCount()).toBe(0);
    await hub.close();
  });

  it('finishes publishes before closing the transport', async () => {
    const transport = new SlowTransport();
    const { logger } = captureLogger();
    const hub = new CompositePushHub(new LongPollHub(), new MqttPublisher(transport, logger), logger);

    hub.notify(['phone-1', 'phone-2'], { messageType: 'configUpdated' });
    await hub.close();

    expect(transport.sent.sort()).toEqual(['phone-1', 'phone-2']);
    expect(transport.closed).toBe(true);
  });

  it('answers held polls on close', async () => {
    const hub = await createPushHub({ mqtt: { mode: 'off' }, agentSecret: TEST_AGENT_SECRET, logger: captureLogger().logger });
    const waiting = hub.waitForMessages('phone-1', 60_000, new AbortController().signal);

    await hub.close();
    expect(await waiting).toEqual([]);
  });

  it('has no broker port without MQTT', async () => {
    const hub = await createPushHub({ mqtt: { mode: 'off' }, agentSecret: TEST_AGENT_SECRET, logger: captureLogger().logger });

    expect(hub.embeddedBrokerPort).toBeNull();
    await hub.close();
  });
});

describe('createPushHub with an embedded broker', () => {
  it('rejects a port in use', async () => {
    const occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', () => resolve()));
    const port = (occupied.address() as AddressInfo).port;

    try {
      const creating = createPushHub({
        mqtt: { mode: 'embedded', host: '127.0.0.1', port },
        agentSecret: TEST_AGENT_SECRET,
        logger: captureLogger().logger,
      });
      await expect(creating).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise<void>((resolve) => occupied.close(() => resolve()));
    }
  });

  it('warns when the port is not the agent port', async () => {
    // Find a free port, then let the broker listen on it explicitly.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const { logger, lines } = captureLogger();
    const hub = await createPushHub({ mqtt: { mode: 'embedded', host: '127.0.0.1', port }, agentSecret: TEST_AGENT_SECRET, logger });

    expect(hub.embeddedBrokerPort).toBe(port);
    expect(lines.some((line) => line.msg === 'mqtt broker started' && line.port === port)).toBe(true);
    expect(lines.some((line) => String(line.msg).startsWith('mqtt broker is not on port 31000'))).toBe(true);
    await hub.close();
    expect(lines.some((line) => line.msg === 'mqtt broker stopped')).toBe(true);
  });
});
