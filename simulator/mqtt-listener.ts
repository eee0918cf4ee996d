import { connect, type MqttClient } from 'mqtt';

import {
  DEFAULT_MQTT_PORT,
  MQTT_CONNECT_TIMEOUT_MS,
  MQTT_DEFAULT_KEEPALIVE_SECONDS,
  MQTT_MIN_KEEPALIVE_SECONDS,
  MQTT_RECONNECT_AFTER_FAILURE_MS,
  MQTT_WORKER_KEEPALIVE_SECONDS,
} from './agent-constants.js';
import type { FleetEnvironment, PushMessage } from './agent-calls.js';
import type { AgentDevice } from './agent-device.js';
import { sha1Upper } from './signature.js';
import type { AgentCounters } from './stats.js';

/** The MQTT user name every agent sends; it is also the prefix of the hashed password. */
const MQTT_USERNAME = 'hmdm';
/** SUBACK return code of a rejected subscription in MQTT 3.1.1. */
const SUBACK_FAILURE = 128;

// mqtt.js creates a `debug` logger per client unless given one, which costs
// about 1 KiB of heap each. The simulator never reads that output, so all
// clients share this no-op.
const silentLog = (): void => undefined;

// Every agent of a build sends the same password, so one string serves them all.
const passwordsBySecret = new Map<string, string>();

function mqttPasswordOf(secret: string): string {
  let password = passwordsBySecret.get(secret);
  if (password === undefined) {
    password = sha1Upper(MQTT_USERNAME + secret);
    passwordsBySecret.set(secret, password);
  }
  return password;
}

export type MqttMode = 'mqttWorker' | 'mqttAlarm';

/**
 * The agent's MQTT push client: it connects to the broker on the primary
 * base URL's host with client id = device id, a persistent session and the
 * shared-secret login, subscribes to its own topic at QoS 2 and turns each
 * JSON message into the same push message the long poll would carry.
 */
export class MqttListener {
  private client: MqttClient | null = null;
  private keepaliveSeconds = 0;
  private closedOnPurpose = false;
  /** Whether the broker granted the subscription to the device topic on the current connection. */
  subscribed = false;

  constructor(
    private readonly env: FleetEnvironment,
    private readonly device: AgentDevice,
    private readonly counters: AgentCounters,
    private readonly onMessages: (messages: PushMessage[]) => void,
    /** Aborted when the agent stops for good; ends the retry wait. */
    private readonly lifetime: AbortSignal,
  ) {}

  /** Whether the client is connected to the broker now. */
  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /**
   * Connects for the given push mode, or disconnects when mode is null (the
   * config chose polling, or the phone is off). Reconnects when the mode's
   * keep-alive changed; otherwise keeps the running connection.
   */
  follow(mode: MqttMode | null, keepaliveTime: number | undefined): void {
    if (mode === null) {
      this.close();
      return;
    }
    const keepalive = keepaliveSecondsOf(mode, keepaliveTime);
    if (this.client && keepalive === this.keepaliveSeconds) return;

    this.close();
    this.keepaliveSeconds = keepalive;
    this.open();
  }

  /** Ends the connection without waiting; the broker keeps the persistent session. */
  close(): void {
    const client = this.client;
    if (!client) return;
    this.client = null;
    this.closedOnPurpose = true;
    this.subscribed = false;
    client.end(true);
  }

  private open(): void {
    const host = new URL(this.env.urls.primary).hostname;
    const client = connect({
      host,
      port: this.env.mqttPort ?? DEFAULT_MQTT_PORT,
      protocol: 'mqtt',
      clientId: this.device.deviceId,
      clean: false,
      protocolVersion: 4,
      username: MQTT_USERNAME,
      password: mqttPasswordOf(this.env.secret),
      keepalive: this.keepaliveSeconds,
      // The 'connect' handler below subscribes after every connect, as the
      // agent does, so mqtt.js must not send a second SUBSCRIBE of its own.
      resubscribe: false,
      log: silentLog,
      // Paho reconnects quickly after a lost connection; after a refused
      // connect the agent waits 15 minutes, which the 'error' handler applies.
      reconnectPeriod: 1_000,
      connectTimeout: MQTT_CONNECT_TIMEOUT_MS,
    });
    this.closedOnPurpose = false;
    this.client = client;

    client.on('connect', () => {
      this.counters.mqttConnects += 1;
      client.subscribe(this.device.deviceId, { qos: 2 }, (error, granted) => {
        // A SUBACK return code of 128 (0x80) means the broker rejected the topic.
        const rejected = granted?.some((grant) => grant.qos === SUBACK_FAILURE) ?? false;
        if (error || rejected) this.counters.networkErrors += 1;
        else if (this.client === client) this.subscribed = true;
      });
    });
    client.on('close', () => {
      if (this.client === client) this.subscribed = false;
    });
    client.on('message', (_topic, payload) => this.receive(payload));
    client.on('error', () => {
      this.counters.networkErrors += 1;
      if (this.client !== client || this.closedOnPurpose) return;
      // A failed connect (refused login, CONNACK timeout, lost socket): stop
      // retrying at once and try again after 900 s, as the agent does.
      client.end(true);
      this.client = null;
      void this.env.clock.sleep(MQTT_RECONNECT_AFTER_FAILURE_MS, this.lifetime).then((slept) => {
        if (slept && this.client === null && !this.closedOnPurpose) this.open();
      });
    });
  }

  private receive(payload: Buffer): void {
    const message = parseMqttMessage(payload.toString('utf8'));
    if (message === null) {
      this.counters.pushParseErrors += 1;
      return;
    }
    this.onMessages([message]);
  }
}

function keepaliveSecondsOf(mode: MqttMode, keepaliveTime: number | undefined): number {
  if (mode === 'mqttWorker') return MQTT_WORKER_KEEPALIVE_SECONDS;
  return keepaliveTime !== undefined && keepaliveTime >= MQTT_MIN_KEEPALIVE_SECONDS ? keepaliveTime : MQTT_DEFAULT_KEEPALIVE_SECONDS;
}

/**
 * Reads an MQTT push: a JSON object with a string `messageType` and an
 * optional object `payload`. The long poll carries the payload as a JSON
 * string, so the object is re-encoded to match. Returns null for anything
 * else, which the agent would drop.
 */
export function parseMqttMessage(text: string): PushMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { messageType, payload } = parsed as Record<string, unknown>;
  if (typeof messageType !== 'string') return null;
  const payloadObject = typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : null;
  return { messageType, payload: payloadObject === null ? null : JSON.stringify(payloadObject) };
}
