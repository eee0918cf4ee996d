import { randomBytes } from 'node:crypto';

import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

import { LogThrottle } from './log-throttle.js';
import type { MqttTransport } from './publisher.js';

// Start-up fails after this long without a CONNACK, so a wrong host or a
// firewall shows as an error at start instead of as silent missing pushes.
const DEFAULT_FIRST_CONNECT_TIMEOUT_MS = 10_000;

// After a lost connection, retry every 5 s: often enough that a broker restart
// costs seconds of pushes, rare enough not to flood the broker's log.
const RECONNECT_PERIOD_MS = 5_000;

// How long a publish may wait for the broker's PUBCOMP before it counts as
// failed. PUBCOMP confirms receipt by the broker, not delivery to the phone.
const PUBLISH_TIMEOUT_MS = 30_000;

const ERROR_LOG_INTERVAL_MS = 60_000;

// "outpost-" and 12 hex characters: 20 characters, within the 23 every MQTT
// 3.1.1 broker must accept, and unique per process so that several Outpost
// processes can publish to one broker.
const CLIENT_ID_RANDOM_BYTES = 6;

const PUBLISH_QOS = 2;

export interface ExternalBrokerOptions {
  /** mqtt:// or mqtts:// URL, with the user name and password Outpost logs in with. */
  url: string;
  logger: Logger;
  firstConnectTimeoutMs?: number;
}

/**
 * Connection from Outpost to an external MQTT broker (Mosquitto, EMQX), used
 * only to publish. The broker's ACL must let this user write every device
 * topic and let each device read only the topic equal to its client id.
 */
export class ExternalBroker implements MqttTransport {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly client: MqttClient,
    private readonly safeUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Connects and resolves after the first CONNACK; rejects if none arrives. */
  static async connect(options: ExternalBrokerOptions): Promise<ExternalBroker> {
    const logger = options.logger.child({ component: 'mqtt-publisher' });
    const target = parseBrokerUrl(options.url);
    const clientId = `outpost-${randomBytes(CLIENT_ID_RANDOM_BYTES).toString('hex')}`;

    const client = connect(target.urlWithoutCredentials, {
      clientId,
      clean: true,
      protocolVersion: 4,
      username: target.username,
      password: target.password,
      reconnectPeriod: RECONNECT_PERIOD_MS,
      connectTimeout: options.firstConnectTimeoutMs ?? DEFAULT_FIRST_CONNECT_TIMEOUT_MS,
    });

    try {
      await waitForFirstConnect(client, options.firstConnectTimeoutMs ?? DEFAULT_FIRST_CONNECT_TIMEOUT_MS);
    } catch (error) {
      client.end(true);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Could not connect to the MQTT broker at ${target.urlWithoutCredentials}: ${reason}. ` +
          'Check the broker URL, user name and password, and that the broker is running.',
      );
    }

    const broker = new ExternalBroker(client, target.urlWithoutCredentials, logger);
    broker.watchConnection();
    logger.info({ broker: target.urlWithoutCredentials, clientId }, 'mqtt publisher connected');
    return broker;
  }

  /**
   * Publishes at QoS 2, not retained, and resolves on PUBCOMP. Rejects at
   * once while the connection is down, instead of queueing without bound. The
   * long-poll copy and the agent's hourly sync cover the missed wake-up.
   */
  async publish(deviceId: string, payload: string): Promise<void> {
    if (!this.client.connected) throw new Error(`not connected to the MQTT broker at ${this.safeUrl}`);

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no PUBCOMP from the MQTT broker within ${PUBLISH_TIMEOUT_MS} ms`)),
        PUBLISH_TIMEOUT_MS,
      );
    });

    try {
      await Promise.race([this.client.publishAsync(deviceId, payload, { qos: PUBLISH_QOS, retain: false }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Disconnects at once, abandoning publishes still waiting for PUBCOMP. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.client.endAsync(true).then(() => {
      this.logger.info({ broker: this.safeUrl }, 'mqtt publisher stopped');
    });
    return this.closing;
  }

  private watchConnection(): void {
    const errors = new LogThrottle(this.logger, ERROR_LOG_INTERVAL_MS);
    let connected = true;

    this.client.on('connect', () => {
      if (!connected) this.logger.info({ broker: this.safeUrl }, 'mqtt publisher reconnected');
      connected = true;
    });
    this.client.on('offline', () => {
      if (connected) this.logger.warn({ broker: this.safeUrl }, 'mqtt publisher lost its connection; retrying');
      connected = false;
    });
    this.client.on('error', (error) => {
      errors.warn('error', { broker: this.safeUrl, err: error }, 'mqtt publisher connection error');
    });
  }
}

interface BrokerTarget {
  urlWithoutCredentials: string;
  username: string | undefined;
  password: string | undefined;
}

/**
 * Splits the user name and password out of the URL, percent-decoded, so that
 * the URL can appear in logs and errors. Throws on a URL that is not
 * mqtt:// or mqtts://.
 */
export function parseBrokerUrl(text: string): BrokerTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('Invalid MQTT broker URL: expected mqtt://user:password@host:port or mqtts://…');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') {
    throw new Error(`Invalid MQTT broker URL scheme "${url.protocol}": expected mqtt: or mqtts:.`);
  }

  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return { urlWithoutCredentials: `${url.protocol}//${url.host}`, username, password };
}

function waitForFirstConnect(client: MqttClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onConnect = () => finish(null);
    const onError = (error: Error) => finish(error);
    const timer = setTimeout(() => finish(new Error(`no CONNACK within ${timeoutMs} ms`)), timeoutMs);

    client.on('connect', onConnect);
    client.on('error', onError);
  });
}
