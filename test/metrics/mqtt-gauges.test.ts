import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';

import type { AppContext } from '../../src/context.js';
import { collectMqttGauges } from '../../src/metrics/mqtt-gauges.js';
import { createPushHub, type CompositePushHub } from '../../src/push/composite-hub.js';
import { captureLogger, connectAgent, TEST_AGENT_SECRET, waitFor } from '../push/mqtt/mqtt-support.js';

/** Returns the value of an unlabelled sample in Prometheus text, or undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

function gaugesFor(hub: CompositePushHub): Registry {
  const registry = new Registry();
  collectMqttGauges({ push: hub } as unknown as AppContext, registry);
  return registry;
}

describe('MQTT gauges', () => {
  let hub: CompositePushHub | null = null;

  afterEach(async () => {
    await hub?.close();
    hub = null;
  });

  it('count clients of the embedded broker', async () => {
    hub = await createPushHub({
      mqtt: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      agentSecret: TEST_AGENT_SECRET,
      logger: captureLogger().logger,
    });
    const registry = gaugesFor(hub);
    expect(sample(await registry.metrics(), 'outpost_mqtt_clients')).toBe(0);

    const { client } = await connectAgent(hub.embeddedBrokerPort ?? 0, 'phone-metrics');
    try {
      await waitFor(() => hub?.mqttStatus()?.clients === 1, 'the broker to count the client');
      const text = await registry.metrics();
      expect(sample(text, 'outpost_mqtt_clients')).toBe(1);
      expect(sample(text, 'outpost_mqtt_broker_connected')).toBe(1);
      expect(sample(text, 'outpost_mqtt_queued_wakeups')).toBe(0);
    } finally {
      await client.endAsync(true);
    }
  });

  it('are absent without MQTT', async () => {
    hub = await createPushHub({ mqtt: { mode: 'off' }, agentSecret: TEST_AGENT_SECRET, logger: captureLogger().logger });
    const text = await gaugesFor(hub).metrics();

    expect(sample(text, 'outpost_mqtt_broker_connected')).toBeUndefined();
    expect(sample(text, 'outpost_mqtt_clients')).toBeUndefined();
    expect(sample(text, 'outpost_mqtt_queued_wakeups')).toBeUndefined();
  });
});
