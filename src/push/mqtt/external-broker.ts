import { randomBytes } from 'node:crypto';

import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

import { PendingWakeUps } from './external-broker-queue.js';
import { LogThrottle } from './log-throttle.js';
import { EXTERNAL_BROKER_MAX_IN_FLIGHT, type MqttTransport, type MqttTransportStatus } from './publisher.js';

// Start-up fails after this long without a CONNACK, so a wrong host or a
// firewall shows as an error at start instead of as silent missing pushes.
const DEFAULT_FIRST_CONNECT_TIMEOUT_MS = 10_000;

/** Delays between reconnection attempts to the broker, doubling from the first to the maximum. */
export interface BrokerReconnectBackoff {
  initialDelayMs: number;
  maxDelayMs: number;
}

// One second rides out a broker restart; 30 s caps the wait during a longer
// outage, so that pushes resume within half a minute of the broker's return
// without flooding its log with connection attempts.
export const DEFAULT_BROKER_BACKOFF: BrokerReconnectBackoff = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

// How long a publish may wait for the broker's PUBCOMP before it counts as
// failed. PUBCOMP confirms receipt by the broker, not delivery to the phone.
const PUBLISH_TIMEOUT_MS = 30_000;

// Connection errors and dropped wake-ups repeat on every attempt or message
// during an outage, so each is logged at most once per minute.
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
  backoff?: BrokerReconnectBackoff;
  /** Wake-ups kept while the broker is unreachable; a new, bounded queue by default. */
  pending?: PendingWakeUps;
}

/** Returns the wait before reconnection attempt `attempt` (1 for the first): doubling and capped. */
export function brokerReconnectDelayMs(backoff: BrokerReconnectBackoff, attempt: number): number {
  return Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Connection from Outpost to an external MQTT broker (Mosquitto, EMQX), used
 * only to publish. The broker's ACL must let this user write every device
 * topic and let each device read only the topic equal to its client id.
 *
 * When the connection drops, the client reconnects with doubling delays,
 * and wake-ups published meanwhile wait in a bounded queue, coalesced per
 * device, until the broker is back.
 */
export class ExternalBroker implements MqttTransport {
  private closing: Promise<void> | null = null;
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly dropLog: LogThrottle;

  private constructor(
    private readonly client: MqttClient,
    private readonly safeUrl: string,
    private readonly logger: Logger,
    private readonly pending: PendingWakeUps,
    private readonly backoff: BrokerReconnectBackoff,
  ) {
    this.dropLog = new LogThrottle(logger, ERROR_LOG_INTERVAL_MS);
  }

  /** Connects and resolves after the first CONNACK; rejects if none arrives. */
  static async connect(options: ExternalBrokerOptions): Promise<ExternalBroker> {
    const logger = options.logger.child({ component: 'mqtt-publisher' });
    const target = parseBrokerUrl(options.url);
    const clientId = `outpost-${randomBytes(CLIENT_ID_RANDOM_BYTES).toString('hex')}`;
    const backoff = options.backoff ?? DEFAULT_BROKER_BACKOFF;

    const client = connect(target.urlWithoutCredentials, {
      clientId,
      clean: true,
      protocolVersion: 4,
      username: target.username,
      password: target.password,
      reconnectPeriod: backoff.initialDelayMs,
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

    const broker = new ExternalBroker(client, target.urlWithoutCredentials, logger, options.pending ?? new PendingWakeUps(), backoff);
    broker.watchConnection();
    logger.info({ broker: target.urlWithoutCredentials, clientId }, 'mqtt publisher connected');
    return broker;
  }

  /**
   * Publishes at QoS 2, not retained, and resolves on PUBCOMP. While the
   * connection is down it queues the message and resolves at once, so a
   * queued wake-up counts as sent. At most EXTERNAL_BROKER_MAX_IN_FLIGHT
   * publishes wait for PUBCOMP at a time, queued ones included.
   */
  async publish(deviceId: string, payload: string): Promise<void> {
    if (!this.client.connected) {
      this.enqueue(deviceId, payload);
      return;
    }

    await this.takeSlot();
    try {
      // The connection may have dropped while this publish waited for a slot.
      if (this.client.connected) await this.publishNow(deviceId, payload);
      else this.enqueue(deviceId, payload);
    } finally {
      this.releaseSlot();
    }
  }

  status(): MqttTransportStatus {
    return { connected: this.client.connected, clients: null, queued: this.pending.size, dropped: this.pending.dropped };
  }

  private async publishNow(deviceId: string, payload: string): Promise<void> {
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

  private enqueue(deviceId: string, payload: string): void {
    if (this.pending.add(deviceId, payload) !== 'dropped') return;

    this.dropLog.warn(
      'full',
      { broker: this.safeUrl, queued: this.pending.size, dropped: this.pending.dropped },
      'mqtt wake-up dropped: the queue for the unreachable broker is full; phones get it by long poll or at their next sync',
    );
  }

  private async takeSlot(): Promise<void> {
    while (this.inFlight >= EXTERNAL_BROKER_MAX_IN_FLIGHT) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.inFlight += 1;
  }

  private releaseSlot(): void {
    this.inFlight -= 1;
    this.slotWaiters.shift()?.();
  }

  /** Publishes what was queued during the outage, through the same in-flight limit as other publishes. */
  private async flushPending(): Promise<void> {
    const queued = this.pending.takeAll();
    if (queued.length === 0) return;

    this.logger.info({ broker: this.safeUrl, messages: queued.length }, 'mqtt publishing wake-ups queued during the outage');
    let failed = 0;
    let firstError: unknown = null;
    await Promise.all(
      queued.map(async ({ deviceId, payload }) => {
        try {
          await this.publish(deviceId, payload);
        } catch (error) {
          failed += 1;
          firstError ??= error;
        }
      }),
    );
    if (failed > 0) this.logger.error({ broker: this.safeUrl, err: firstError, failed }, 'mqtt publish of queued wake-ups failed');
  }

  private watchConnection(): void {
    const errors = new LogThrottle(this.logger, ERROR_LOG_INTERVAL_MS);
    let connected = true;
    let attempts = 0;

    this.client.on('connect', () => {
      if (!connected) this.logger.info({ broker: this.safeUrl, attempts, queued: this.pending.size }, 'mqtt publisher reconnected');
      connected = true;
      attempts = 0;
      this.client.options.reconnectPeriod = this.backoff.initialDelayMs;
      void this.flushPending();
    });
    this.client.on('offline', () => {
      if (connected) this.logger.warn({ broker: this.safeUrl }, 'mqtt publisher lost its connection; queueing wake-ups and retrying');
      connected = false;
    });
    // mqtt.js waits options.reconnectPeriod after each failed attempt, so
    // raising it here doubles the wait before the next one.
    this.client.on('reconnect', () => {
      attempts += 1;
      this.client.options.reconnectPeriod = brokerReconnectDelayMs(this.backoff, attempts + 1);
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
