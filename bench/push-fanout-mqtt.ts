// Benchmark b (MQTT half): the time for one policy change to reach every
// phone subscribed to Outpost's embedded MQTT broker.

import { DEFAULT_AGENT_SECRET } from '../simulator/agent-constants.js';
import { AdminSession } from './lib/admin-session.js';
import { epochMs } from './lib/clock.js';
import { deviceIdOf } from './lib/fleet-shape.js';
import { MqttFleet, type MqttRound } from './lib/mqtt-fleet.js';
import { outpostMemory, startOutpost, type OutpostChild, type OutpostMemory } from './lib/outpost-child.js';
import type { RunContext } from './lib/run-context.js';
import { spreadOf, summariseLatencies, type LatencySummary, type Spread } from './lib/stats.js';
import { withTimeout } from './lib/wait.js';

export interface MqttFanoutOptions {
  devices: number;
  repeats: number;
  deliveryTimeoutMs: number;
}

export interface MqttFanoutRound {
  received: number;
  configUpdated: number;
  /** Time the console's policy save took, from request to response. */
  saveMs: number;
  /** Time from the start of the save to each message. */
  delivery: LatencySummary;
  allDeliveredMs: number;
}

export interface MqttFanoutResult {
  devices: number;
  connectSeconds: number;
  rounds: MqttFanoutRound[];
  allDeliveredMs: Spread;
  deliveryP50Ms: Spread;
  deliveryP99Ms: Spread;
  memory: { idle: OutpostMemory; withSubscribers: OutpostMemory; rssPerSubscriberBytes: number; heapPerSubscriberBytes: number };
}

/** Runs the MQTT half of benchmark b, after one unmeasured warm-up round. */
export async function runMqttFanout(run: RunContext, options: MqttFanoutOptions): Promise<MqttFanoutResult> {
  // The same fleet as the long-poll half: one policy, so one change wakes every device.
  const fleet = await run.fleet({ devices: options.devices, policies: 1, locationsPerDevice: 1 });
  const policyId = fleet.policyIds[0];
  if (!policyId) throw new Error('The seeded fleet has no policy.');

  let outpost: OutpostChild | null = null;
  let subscribers: MqttFleet | null = null;
  try {
    outpost = await startOutpost(`outpost (${options.devices} MQTT subscribers)`, fleet.dataDir, {
      OUTPOST_MQTT_MODE: 'embedded',
      OUTPOST_MQTT_HOST: '127.0.0.1',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_AGENT_SECRET: DEFAULT_AGENT_SECRET,
    });
    const brokerPort = outpost.ready.mqttPort;
    if (brokerPort === null) throw new Error('Outpost started without its embedded MQTT broker.');
    const session = await AdminSession.signIn(outpost.ready.url);
    const idle = await outpostMemory(outpost);

    const connectStarted = performance.now();
    const deviceIds = Array.from({ length: options.devices }, (_, index) => deviceIdOf(index + 1));
    subscribers = await MqttFleet.connect(`mqtt://127.0.0.1:${brokerPort}`, deviceIds, DEFAULT_AGENT_SECRET);
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    const withSubscribers = await outpostMemory(outpost);

    const rounds: MqttFanoutRound[] = [];
    for (let repeat = 0; repeat <= options.repeats; repeat += 1) {
      const round = await sendRound(session, policyId, subscribers, options);
      // Round 0 warms up the save, the broker and the hub and is not counted.
      if (repeat === 0) continue;
      rounds.push(round);
      run.log(`mqtt fan-out, ${options.devices} subscribers, repeat ${repeat}: last message after ${round.allDeliveredMs.toFixed(0)} ms`);
    }

    return {
      devices: options.devices,
      connectSeconds,
      rounds,
      allDeliveredMs: spreadOf(rounds.map((round) => round.allDeliveredMs)),
      deliveryP50Ms: spreadOf(rounds.map((round) => round.delivery.p50Ms)),
      deliveryP99Ms: spreadOf(rounds.map((round) => round.delivery.p99Ms)),
      memory: {
        idle,
        withSubscribers,
        rssPerSubscriberBytes: (withSubscribers.rss - idle.rss) / options.devices,
        heapPerSubscriberBytes: (withSubscribers.heapUsed - idle.heapUsed) / options.devices,
      },
    };
  } finally {
    await subscribers?.close();
    await outpost?.stop();
    fleet.remove();
  }
}

async function sendRound(
  session: AdminSession,
  policyId: string,
  subscribers: MqttFleet,
  options: MqttFanoutOptions,
): Promise<MqttFanoutRound> {
  const arrivals = subscribers.expectMessage();
  const changeStarted = epochMs();
  await session.changePolicy(policyId);
  const saveMs = epochMs() - changeStarted;
  const arrived: MqttRound = await withTimeout(arrivals, options.deliveryTimeoutMs, () => subscribers.summarise());

  const delays = arrived.receivedAt.map((at) => at - changeStarted);
  return {
    received: arrived.received,
    configUpdated: arrived.configUpdated,
    saveMs,
    delivery: summariseLatencies(delays),
    allDeliveredMs: delays.length === 0 ? Number.NaN : Math.max(...delays),
  };
}
