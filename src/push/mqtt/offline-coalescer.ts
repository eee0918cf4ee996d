import type { Aedes, Client } from 'aedes';
import type { Logger } from 'pino';

import { LogThrottle } from './log-throttle.js';

// Same bound as the long-poll hub: the agent fetches its whole configuration
// on any message, so a phone that was away for days gains nothing from more.
export const MAX_OFFLINE_MESSAGES_PER_DEVICE = 50;

// Warnings about a full queue are per device, and one a minute is enough to see it.
const FULL_QUEUE_LOG_INTERVAL_MS = 60_000;

/**
 * Decides whether a message for a device should go to the broker. A device
 * with a persistent session that is offline gets each distinct message once,
 * because the broker queues every copy and the phone would sync once per copy
 * when it comes back. Messages for online devices always go through.
 */
export class OfflineCoalescer {
  private readonly online = new Map<string, Client>();
  /** Device ids whose persistent session contains a subscription to their topic. */
  private readonly persistentSessions = new Set<string>();
  /** Payloads sent to each offline device since it was last online. */
  private readonly pending = new Map<string, Set<string>>();
  private readonly fullQueueLog: LogThrottle;

  constructor(broker: Aedes, logger: Logger) {
    this.fullQueueLog = new LogThrottle(logger, FULL_QUEUE_LOG_INTERVAL_MS);

    broker.on('clientReady', (client) => {
      this.online.set(client.id, client);
      // The broker has sent the queued messages by now, so the next ones
      // while offline are new to the phone.
      this.pending.delete(client.id);
      if (client.clean) this.persistentSessions.delete(client.id);
    });
    broker.on('clientDisconnect', (client) => {
      if (this.online.get(client.id) === client) this.online.delete(client.id);
    });
    broker.on('subscribe', (subscriptions, client) => {
      // Rejected subscriptions are listed too, with QoS 128.
      const ownTopic = subscriptions.some((sub) => sub.topic === client.id && sub.qos > 0 && sub.qos <= 2);
      if (ownTopic && !client.clean) this.persistentSessions.add(client.id);
    });
    broker.on('unsubscribe', (topics, client) => {
      if (topics.includes(client.id)) this.persistentSessions.delete(client.id);
    });
  }

  /** Returns whether to publish the payload to the device's topic, and records it. */
  shouldPublish(deviceId: string, payload: string): boolean {
    if (this.online.has(deviceId) || !this.persistentSessions.has(deviceId)) return true;

    const queued = this.pending.get(deviceId) ?? new Set<string>();
    if (queued.has(payload)) return false;

    if (queued.size >= MAX_OFFLINE_MESSAGES_PER_DEVICE) {
      this.fullQueueLog.warn(
        deviceId,
        { deviceId, queued: queued.size },
        'mqtt message dropped: offline queue of the device is full',
      );
      return false;
    }

    queued.add(payload);
    this.pending.set(deviceId, queued);
    return true;
  }
}
