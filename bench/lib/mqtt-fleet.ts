import mqtt, { type MqttClient } from 'mqtt';

import { agentMqttPassword, AGENT_MQTT_USERNAME } from '../../src/push/mqtt/credentials.js';
import { epochMs } from './clock.js';

// Connecting this many clients at a time keeps the broker's accept queue short.
const CONNECT_BATCH = 250;
// The agent's keep-alive in mqttAlarm mode when the configuration sends 300 s.
const KEEPALIVE_SECONDS = 300;
// MQTT 3.1.1, which the agent's Paho client negotiates first.
const PROTOCOL_VERSION = 4;
const CONNECT_TIMEOUT_MS = 30_000;

interface Subscriber {
  deviceId: string;
  client: MqttClient;
  receivedAt: number;
  messageType: string | null;
}

/** Arrivals of one message sent to every subscriber. */
export interface MqttRound {
  received: number;
  /** Epoch milliseconds at which each subscriber's message arrived. */
  receivedAt: number[];
  configUpdated: number;
}

/**
 * Phones in MQTT push mode: one client per device, connected as the agent
 * connects (its client id, the shared agent login, a persistent session)
 * and subscribed at QoS 2 to the topic equal to its device id.
 */
export class MqttFleet {
  private waiting: { resolve(): void; pending: number } | null = null;

  private constructor(private readonly subscribers: Subscriber[]) {}

  static async connect(brokerUrl: string, deviceIds: readonly string[], agentSecret: string): Promise<MqttFleet> {
    const subscribers: Subscriber[] = [];
    const fleet = new MqttFleet(subscribers);
    const password = agentMqttPassword(agentSecret);

    for (let start = 0; start < deviceIds.length; start += CONNECT_BATCH) {
      const batch = deviceIds.slice(start, start + CONNECT_BATCH);
      const connected = await Promise.all(
        batch.map(async (deviceId) => {
          const client = await mqtt.connectAsync(brokerUrl, {
            clientId: deviceId,
            username: AGENT_MQTT_USERNAME,
            password,
            clean: false,
            keepalive: KEEPALIVE_SECONDS,
            protocolVersion: PROTOCOL_VERSION,
            reconnectPeriod: 0,
            connectTimeout: CONNECT_TIMEOUT_MS,
          });
          await client.subscribeAsync(deviceId, { qos: 2 });
          return { deviceId, client, receivedAt: Number.NaN, messageType: null } satisfies Subscriber;
        }),
      );
      for (const subscriber of connected) {
        subscriber.client.on('message', (_topic, payload) => fleet.receive(subscriber, payload));
        subscribers.push(subscriber);
      }
    }
    return fleet;
  }

  get size(): number {
    return this.subscribers.length;
  }

  /** Returns a promise that resolves once every subscriber received one more message. */
  expectMessage(): Promise<MqttRound> {
    for (const subscriber of this.subscribers) {
      subscriber.receivedAt = Number.NaN;
      subscriber.messageType = null;
    }
    return new Promise<void>((resolve) => {
      this.waiting = { resolve, pending: this.subscribers.length };
    }).then(() => this.summarise());
  }

  /** Summarises the arrivals so far, for a round that timed out. */
  summarise(): MqttRound {
    const arrived = this.subscribers.filter((subscriber) => !Number.isNaN(subscriber.receivedAt));
    return {
      received: arrived.length,
      receivedAt: arrived.map((subscriber) => subscriber.receivedAt),
      configUpdated: arrived.filter((subscriber) => subscriber.messageType === 'configUpdated').length,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.subscribers.map((subscriber) => subscriber.client.endAsync(true)));
  }

  private receive(subscriber: Subscriber, payload: Buffer): void {
    if (!Number.isNaN(subscriber.receivedAt)) return;
    subscriber.receivedAt = epochMs();
    try {
      subscriber.messageType = String((JSON.parse(payload.toString('utf8')) as { messageType?: unknown }).messageType);
    } catch {
      subscriber.messageType = null;
    }

    if (!this.waiting) return;
    this.waiting.pending -= 1;
    if (this.waiting.pending === 0) {
      const waiting = this.waiting;
      this.waiting = null;
      waiting.resolve();
    }
  }
}
