import type { Logger } from 'pino';

import { deviceIdProblem } from '../../domain/device-id.js';
import type { PushMessage } from '../push-hub.js';
import { LogThrottle } from './log-throttle.js';

/** State of an MQTT transport, for the metrics endpoint. */
export interface MqttTransportStatus {
  /** Whether messages reach a broker now: the embedded one listens, or the connection to the external one is up. */
  connected: boolean;
  /** Clients connected to the embedded broker; null for an external broker, whose clients Outpost cannot see. */
  clients: number | null;
  /** Messages waiting in Outpost for the external broker to come back. */
  queued: number;
  /** Messages dropped because that queue was full, since the start. */
  dropped: number;
}

/** Destination of MQTT messages: the embedded broker or a client of an external one. */
export interface MqttTransport {
  /** Publishes the payload to the topic equal to the device id, at QoS 2, not retained. */
  publish(deviceId: string, payload: string): Promise<void>;
  close(): Promise<void>;
  status?(): MqttTransportStatus;
}

/** Outcome of one publish call, per device id. */
export interface PublishResult {
  /** Devices whose message the transport accepted, counting copies the embedded broker coalesced. */
  published: number;
  /** Ids that cannot be MQTT topics, for example because they contain "#". */
  invalid: string[];
  failed: string[];
}

// A QoS 2 publish uses one of the connection's 65,535 message ids until
// PUBCOMP. 500 at a time keeps far from that limit and bounds memory when a
// rollout stage wakes thousands of phones at once.
const MAX_PUBLISHES_IN_FLIGHT = 500;

/**
 * Maximum QoS 2 publishes in flight to an external broker. Mosquitto's
 * default max_inflight_messages is 20. Mosquitto 2.0.11 acknowledges the
 * QoS 2 messages a 3.1.1 client sends beyond it but never delivers them
 * (40 publishes at once reached 20 subscribers). At 20, 200 publishes took
 * 53 ms on loopback.
 */
export const EXTERNAL_BROKER_MAX_IN_FLIGHT = 20;

// Enough ids in a failure log line to find the devices, without a line of
// thousands when the broker is down.
const MAX_IDS_IN_LOG = 20;

const INVALID_ID_LOG_INTERVAL_MS = 60_000;

/**
 * Encodes a message as the agent reads it from MQTT: strict JSON with
 * `payload` as a JSON object, `{}` when the message has none. Long polling
 * carries the payload as a JSON-encoded string instead.
 */
export function encodeMqttMessage(message: PushMessage): string {
  return JSON.stringify({ messageType: message.messageType, payload: message.payload ?? {} });
}

/** Sends push messages to devices over MQTT, one topic per device id. */
export class MqttPublisher {
  private readonly invalidIdLog: LogThrottle;

  constructor(
    private readonly transport: MqttTransport,
    private readonly logger: Logger,
    private readonly maxInFlight = MAX_PUBLISHES_IN_FLIGHT,
  ) {
    this.invalidIdLog = new LogThrottle(logger, INVALID_ID_LOG_INTERVAL_MS);
  }

  /** Publishes the message to each device's topic; logs the ids that failed. */
  async publish(deviceIds: readonly string[], message: PushMessage): Promise<PublishResult> {
    const payload = encodeMqttMessage(message);
    const result: PublishResult = { published: 0, invalid: [], failed: [] };
    const valid: string[] = [];

    for (const deviceId of deviceIds) {
      const problem = deviceIdProblem(deviceId);
      if (problem === null) {
        valid.push(deviceId);
        continue;
      }
      result.invalid.push(deviceId);
      this.invalidIdLog.warn(
        deviceId,
        { deviceId, reason: problem },
        'mqtt publish skipped: device id cannot be a topic',
      );
    }

    let firstError: unknown = null;
    await forEachLimited(valid, this.maxInFlight, async (deviceId) => {
      try {
        await this.transport.publish(deviceId, payload);
        result.published += 1;
      } catch (error) {
        result.failed.push(deviceId);
        firstError ??= error;
      }
    });

    if (result.failed.length > 0) {
      this.logger.error(
        {
          err: firstError,
          messageType: message.messageType,
          failed: result.failed.length,
          deviceIds: result.failed.slice(0, MAX_IDS_IN_LOG),
        },
        'mqtt publish failed',
      );
    }
    return result;
  }

  /** Returns the transport's state, or null when it reports none. */
  status(): MqttTransportStatus | null {
    return this.transport.status?.() ?? null;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await run(item);
    }
  };

  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  await Promise.all(workers);
}
