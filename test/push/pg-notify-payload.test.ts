import { describe, expect, it } from 'vitest';

import {
  decodeNotification,
  encodeNotifications,
  MAX_NOTIFY_PAYLOAD_BYTES,
  NotificationTooLargeError,
} from '../../src/push/pg-notify-payload.js';

const CONFIG_UPDATED = { messageType: 'configUpdated' };

describe('encodeNotifications', () => {
  it('puts a few devices in one payload', () => {
    const chunks = encodeNotifications(['phone-1', 'phone-2'], CONFIG_UPDATED);

    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.deviceIds).toEqual(['phone-1', 'phone-2']);
    expect(decodeNotification(chunks[0]!.payload)).toEqual({ deviceIds: ['phone-1', 'phone-2'], message: CONFIG_UPDATED });
  });

  it('splits many devices under the NOTIFY limit', () => {
    // Multi-byte characters check that the limit counts bytes, not characters.
    const deviceIds = Array.from({ length: 3000 }, (_, index) => `téléphone-${String(index).padStart(5, '0')}-ünïcödé`);
    const message = { messageType: 'runApp', payload: { pkg: 'com.dhis2', note: 'é'.repeat(200) } };

    const chunks = encodeNotifications(deviceIds, message);

    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(Buffer.byteLength(chunk.payload)).toBeLessThanOrEqual(MAX_NOTIFY_PAYLOAD_BYTES);
      expect(decodeNotification(chunk.payload)).toEqual({ deviceIds: chunk.deviceIds, message });
    }
    expect(chunks.flatMap((chunk) => chunk.deviceIds)).toEqual(deviceIds);
  });

  it('fills each payload close to the limit', () => {
    const deviceIds = Array.from({ length: 2000 }, (_, index) => `phone-${index}`);

    const chunks = encodeNotifications(deviceIds, CONFIG_UPDATED);

    const longestId = Math.max(...deviceIds.map((id) => Buffer.byteLength(JSON.stringify(id))));
    for (const chunk of chunks.slice(0, -1)) {
      expect(Buffer.byteLength(chunk.payload)).toBeGreaterThan(MAX_NOTIFY_PAYLOAD_BYTES - longestId - 1);
    }
  });

  it('returns nothing for no devices', () => {
    expect(encodeNotifications([], CONFIG_UPDATED)).toEqual([]);
  });

  it('rejects a message too large for any payload', () => {
    const message = { messageType: 'runApp', payload: { text: 'x'.repeat(MAX_NOTIFY_PAYLOAD_BYTES) } };

    expect(() => encodeNotifications(['phone-1'], message)).toThrow(NotificationTooLargeError);
  });
});

describe('decodeNotification', () => {
  it('keeps a null payload', () => {
    const [chunk] = encodeNotifications(['phone-1'], { messageType: 'configUpdated', payload: null });

    expect(decodeNotification(chunk!.payload)?.message).toEqual({ messageType: 'configUpdated', payload: null });
  });

  it.each([
    ['not JSON', 'configUpdated'],
    ['another format', JSON.stringify({ format: 2, deviceIds: ['a'], message: CONFIG_UPDATED })],
    ['ids not strings', JSON.stringify({ format: 1, deviceIds: [1], message: CONFIG_UPDATED })],
    ['no message type', JSON.stringify({ format: 1, deviceIds: ['a'], message: {} })],
    ['payload a string', JSON.stringify({ format: 1, deviceIds: ['a'], message: { messageType: 'x', payload: 'y' } })],
    ['an array', JSON.stringify([1, 2])],
  ])('rejects %s', (_case, payload) => {
    expect(decodeNotification(payload)).toBeNull();
  });
});
