import type { Logger } from 'pino';

import { LongPollHub } from './long-poll-hub.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { ExternalBroker } from './mqtt/external-broker.js';
import { EXTERNAL_BROKER_MAX_IN_FLIGHT, MqttPublisher, type MqttTransportStatus } from './mqtt/publisher.js';
import { AGENT_MQTT_PORT, type MqttSettings } from './mqtt/settings.js';
import type { PushHub, PushMessage } from './push-hub.js';

// At shutdown, publishes already handed to the broker get this long to be
// acknowledged before the connection closes. Without a limit, a broker that
// is down would delay the shutdown by the full publish timeout.
const CLOSE_GRACE_MS = 5_000;

/**
 * Push hub that sends every message both ways: to the long-poll hub and over
 * MQTT. The device picks its transport from `pushOptions` in its
 * configuration, so the server cannot know which one it listens on.
 */
export class CompositePushHub implements PushHub {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly longPoll: PushHub,
    private readonly mqtt: MqttPublisher | null,
    private readonly logger: Logger,
    /** Port of the embedded broker, or null without one. */
    readonly embeddedBrokerPort: number | null = null,
  ) {}

  notify(deviceIds: readonly string[], message: PushMessage): void {
    this.longPoll.notify(deviceIds, message);
    if (!this.mqtt || deviceIds.length === 0) return;

    // MqttPublisher logs per-device failures, and this catches anything else.
    const publishing = this.mqtt
      .publish(deviceIds, message)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.logger.error({ err: error, messageType: message.messageType }, 'mqtt publish failed');
      })
      .finally(() => this.inFlight.delete(publishing));
    this.inFlight.add(publishing);
  }

  waitForMessages(deviceId: string, holdMs: number, signal: AbortSignal): Promise<PushMessage[]> {
    return this.longPoll.waitForMessages(deviceId, holdMs, signal);
  }

  openPollCount(): number {
    return this.longPoll.openPollCount();
  }

  /** Returns the state of the MQTT transport, or null without MQTT. */
  mqttStatus(): MqttTransportStatus | null {
    return this.mqtt?.status() ?? null;
  }

  /** Resolves once every MQTT publish started so far has finished or failed. */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /**
   * Resolves held polls at once, then waits up to CLOSE_GRACE_MS for MQTT
   * publishes in flight and closes the embedded broker or the connection.
   */
  async close(): Promise<void> {
    await this.longPoll.close();
    if (!this.mqtt) return;

    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    await Promise.race([this.flush(), grace]);
    clearTimeout(timer);

    await this.mqtt.close();
  }
}

export interface PushHubOptions {
  mqtt: MqttSettings;
  /** The agent's request-signature secret; the embedded broker derives the agent's password from it. */
  agentSecret: string;
  logger: Logger;
  /** Host name phones use for Outpost; the agent connects to it for MQTT. Only logged. */
  publicHost?: string;
  /** Long-poll side; a hub shared across processes on PostgreSQL, or one in memory by default. */
  longPoll?: PushHub;
}

/**
 * Creates the push hub for the settings: long polling alone, or long polling
 * plus an embedded broker or a connection to an external one. Rejects when
 * the broker cannot listen or the external broker cannot be reached.
 *
 * @example
 * const push = await createPushHub({ mqtt: { mode: 'embedded', host: '0.0.0.0', port: 31000 }, agentSecret, logger });
 * push.notify(['phone-1'], { messageType: 'configUpdated' });
 * await push.close();
 */
export async function createPushHub(options: PushHubOptions): Promise<CompositePushHub> {
  const { mqtt, logger } = options;
  const longPoll = options.longPoll ?? new LongPollHub();

  if (mqtt.mode === 'off') return new CompositePushHub(longPoll, null, logger);

  if (mqtt.mode === 'external') {
    const external = await ExternalBroker.connect({ url: mqtt.url, logger });
    return new CompositePushHub(longPoll, new MqttPublisher(external, logger, EXTERNAL_BROKER_MAX_IN_FLIGHT), logger);
  }

  const broker = await EmbeddedBroker.start({
    host: mqtt.host,
    port: mqtt.port,
    agentSecret: options.agentSecret,
    logger,
  });
  if (mqtt.port !== AGENT_MQTT_PORT && mqtt.port !== 0) {
    logger.warn(
      { port: mqtt.port, agentPort: AGENT_MQTT_PORT },
      'mqtt broker is not on port 31000, where the stock agent connects, so forward 31000 to this port',
    );
  }
  if (options.publicHost) {
    const agentBroker = `tcp://${options.publicHost}:${AGENT_MQTT_PORT}`;
    logger.info({ agentBroker }, 'phones in MQTT push mode connect here');
  }
  return new CompositePushHub(longPoll, new MqttPublisher(broker, logger), logger, broker.port);
}
