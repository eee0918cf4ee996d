import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

import { Aedes } from 'aedes';
import type { Logger } from 'pino';

import { MAX_DEVICE_ID_LENGTH } from '../../domain/device-id.js';
import { installAccessControl } from './access-control.js';
import { CONNECT_WINDOW_MS } from './connection-guard.js';
import { OfflineCoalescer } from './offline-coalescer.js';
import type { MqttTransport, MqttTransportStatus } from './publisher.js';
import { fixPubrelTracking } from './pubrel-tracking.js';

// The agent's topic is its device id, and MQTT 3.1 clients are held to 23
// characters unless the broker allows more. Device ids may be this long.
const MAX_CLIENT_ID_LENGTH = MAX_DEVICE_ID_LENGTH;

// The agent subscribes at QoS 2, and a message must survive a phone that
// drops off the network between PUBLISH and PUBCOMP.
const PUBLISH_QOS = 2;

export interface EmbeddedBrokerOptions {
  /** Address to bind, for example 0.0.0.0 or 127.0.0.1. */
  host: string;
  /** TCP port. The stock agent connects to 31000 only, and 0 picks a free port. */
  port: number;
  /** The agent's request-signature secret, from which its MQTT password derives. */
  agentSecret: string;
  logger: Logger;
}

/**
 * MQTT broker inside the Outpost process, for phones whose push mode is MQTT.
 *
 * NOTE: sessions and queued messages live in memory (the Aedes default), so a
 * restart of Outpost loses messages queued for offline phones. The agent's
 * hourly full sync and its resubscribe after reconnecting recover from that.
 */
export class EmbeddedBroker implements MqttTransport {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    private readonly coalescer: OfflineCoalescer,
    private readonly sweepTimer: NodeJS.Timeout,
    private readonly logger: Logger,
  ) {}

  /** Starts the broker and resolves once it listens. */
  static async start(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
    const logger = options.logger.child({ component: 'mqtt-broker' });
    const broker = await Aedes.createBroker({ maxClientsIdLength: MAX_CLIENT_ID_LENGTH });
    fixPubrelTracking(broker);

    const guard = installAccessControl(broker, { agentSecret: options.agentSecret, logger });
    const coalescer = new OfflineCoalescer(broker, logger);
    const sweepTimer = setInterval(() => guard.sweep(), CONNECT_WINDOW_MS);
    sweepTimer.unref();

    // Phones on mobile networks drop connections all the time, so socket
    // errors and keepalive timeouts are expected and logged at debug level.
    broker.on('clientError', (client, error) => {
      logger.debug({ deviceId: client.id, err: error }, 'mqtt client error');
    });
    broker.on('connectionError', (_client, error) => {
      logger.debug({ err: error }, 'mqtt connection error before CONNECT completed');
    });

    // Aedes closes the clients it registered. Sockets that never completed a
    // CONNECT are tracked here, so that close does not wait for their timeout.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      broker.handle(socket);
    });
    try {
      await listen(server, options.host, options.port);
    } catch (error) {
      clearInterval(sweepTimer);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      throw error;
    }

    const embedded = new EmbeddedBroker(broker, server, sockets, coalescer, sweepTimer, logger);
    logger.info({ host: options.host, port: embedded.port }, 'mqtt broker started');
    return embedded;
  }

  /** TCP port the broker listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Number of MQTT clients connected now. */
  get connectedClients(): number {
    return this.broker.connectedClients;
  }

  /**
   * Publishes the payload to the device's topic at QoS 2, not retained. The
   * broker delivers it now, queues it for a persistent session, or drops it
   * when no session subscribes to the topic.
   */
  publish(deviceId: string, payload: string): Promise<void> {
    if (!this.coalescer.shouldPublish(deviceId, payload)) return Promise.resolve();

    return new Promise((resolve, reject) => {
      this.broker.publish(
        {
          cmd: 'publish',
          topic: deviceId,
          payload: Buffer.from(payload, 'utf8'),
          qos: PUBLISH_QOS,
          retain: false,
          dup: false,
        },
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }

  /** Returns the number of connected clients; the embedded broker queues nothing in Outpost itself. */
  status(): MqttTransportStatus {
    return { connected: this.closing === null, clients: this.broker.connectedClients, queued: 0, dropped: 0 };
  }

  /** Disconnects every client and stops listening. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.sweepTimer);

    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await serverClosed;

    this.logger.info('mqtt broker stopped');
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
