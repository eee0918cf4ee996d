import type { PushMessage } from './push-hub.js';

/**
 * Largest NOTIFY payload PostgreSQL accepts: its documentation requires a
 * payload shorter than 8000 bytes in the default build.
 */
export const MAX_NOTIFY_PAYLOAD_BYTES = 7999;

// Version of the payload layout. A process ignores other versions, so
// processes of two releases can share a database during an upgrade.
const PAYLOAD_FORMAT = 1;

/** One NOTIFY payload and the device ids it carries. */
export interface NotificationChunk {
  deviceIds: string[];
  payload: string;
}

/** A decoded NOTIFY payload. */
export interface PushNotification {
  deviceIds: string[];
  message: PushMessage;
}

/** Thrown when a message cannot fit a NOTIFY payload even with a single device id. */
export class NotificationTooLargeError extends Error {}

function encode(deviceIds: readonly string[], message: PushMessage): string {
  return JSON.stringify({ format: PAYLOAD_FORMAT, deviceIds, message });
}

/**
 * Splits a push to many devices into NOTIFY payloads of at most
 * MAX_NOTIFY_PAYLOAD_BYTES each, keeping the device ids in order. Throws
 * NotificationTooLargeError when the message and one device id do not fit.
 */
export function encodeNotifications(deviceIds: readonly string[], message: PushMessage): NotificationChunk[] {
  // JSON.stringify writes an array of strings as the quoted ids joined by
  // commas, so the payload size is the empty envelope plus those bytes.
  const envelopeBytes = Buffer.byteLength(encode([], message));
  const chunks: NotificationChunk[] = [];
  let current: string[] = [];
  let currentBytes = envelopeBytes;

  for (const deviceId of deviceIds) {
    const idBytes = Buffer.byteLength(JSON.stringify(deviceId));
    const separatorBytes = current.length > 0 ? 1 : 0;

    if (envelopeBytes + idBytes > MAX_NOTIFY_PAYLOAD_BYTES) {
      throw new NotificationTooLargeError(
        `A ${message.messageType} push to device ${JSON.stringify(deviceId)} needs ${envelopeBytes + idBytes} bytes, ` +
          `over PostgreSQL's NOTIFY limit of ${MAX_NOTIFY_PAYLOAD_BYTES}.`,
      );
    }
    if (currentBytes + separatorBytes + idBytes > MAX_NOTIFY_PAYLOAD_BYTES) {
      chunks.push({ deviceIds: current, payload: encode(current, message) });
      current = [];
      currentBytes = envelopeBytes;
    }

    currentBytes += (current.length > 0 ? 1 : 0) + idBytes;
    current.push(deviceId);
  }

  if (current.length > 0) chunks.push({ deviceIds: current, payload: encode(current, message) });
  return chunks;
}

/** Decodes a NOTIFY payload, or returns null when it is not a push in this format. */
export function decodeNotification(payload: string): PushNotification | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!isRecord(value) || value.format !== PAYLOAD_FORMAT) return null;

  const { deviceIds, message } = value;
  if (!Array.isArray(deviceIds) || !deviceIds.every((id) => typeof id === 'string')) return null;
  if (!isRecord(message) || typeof message.messageType !== 'string') return null;

  const messagePayload = message.payload;
  if (messagePayload !== undefined && messagePayload !== null && !isRecord(messagePayload)) return null;

  return {
    deviceIds,
    message: messagePayload === undefined ? { messageType: message.messageType } : { messageType: message.messageType, payload: messagePayload },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
