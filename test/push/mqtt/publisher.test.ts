import { describe, expect, it } from 'vitest';

import { encodeMqttMessage, MqttPublisher, type MqttTransport } from '../../../src/push/mqtt/publisher.js';
import { captureLogger } from './mqtt-support.js';

class RecordingTransport implements MqttTransport {
  readonly sent: Array<{ deviceId: string; payload: string }> = [];
  maxInFlight = 0;
  private inFlight = 0;

  constructor(private readonly failing: ReadonlySet<string> = new Set()) {}

  async publish(deviceId: string, payload: string): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;

    if (this.failing.has(deviceId)) throw new Error(`broker rejected ${deviceId}`);
    this.sent.push({ deviceId, payload });
  }

  async close(): Promise<void> {}
}

describe('encodeMqttMessage', () => {
  it('writes the payload as an object', () => {
    expect(encodeMqttMessage({ messageType: 'runApp', payload: { pkg: 'com.dhis2' } })).toBe(
      '{"messageType":"runApp","payload":{"pkg":"com.dhis2"}}',
    );
  });

  it('writes an empty object without payload', () => {
    expect(encodeMqttMessage({ messageType: 'configUpdated' })).toBe('{"messageType":"configUpdated","payload":{}}');
    expect(encodeMqttMessage({ messageType: 'configUpdated', payload: null })).toBe(
      '{"messageType":"configUpdated","payload":{}}',
    );
  });
});

describe('MqttPublisher', () => {
  it('publishes to each device topic', async () => {
    const transport = new RecordingTransport();
    const publisher = new MqttPublisher(transport, captureLogger().logger);

    const result = await publisher.publish(['phone-1', 'phone-2'], { messageType: 'configUpdated' });

    expect(result).toEqual({ published: 2, invalid: [], failed: [] });
    expect(transport.sent.map((sent) => sent.deviceId).sort()).toEqual(['phone-1', 'phone-2']);
    expect(transport.sent[0]?.payload).toBe('{"messageType":"configUpdated","payload":{}}');
  });

  it('reports and logs failed devices', async () => {
    const transport = new RecordingTransport(new Set(['phone-2']));
    const { logger, lines } = captureLogger();
    const publisher = new MqttPublisher(transport, logger);

    const result = await publisher.publish(['phone-1', 'phone-2'], { messageType: 'configUpdated' });

    expect(result).toEqual({ published: 1, invalid: [], failed: ['phone-2'] });
    const errors = lines.filter((line) => line.msg === 'mqtt publish failed');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ failed: 1, deviceIds: ['phone-2'], messageType: 'configUpdated' });
  });

  it('skips ids that cannot be topics', async () => {
    const transport = new RecordingTransport();
    const publisher = new MqttPublisher(transport, captureLogger().logger);

    const result = await publisher.publish(['phone#1', 'phone+2', 'a/b', 'phone-3'], { messageType: 'configUpdated' });

    expect(result.invalid).toEqual(['phone#1', 'phone+2', 'a/b']);
    expect(transport.sent.map((sent) => sent.deviceId)).toEqual(['phone-3']);
  });

  it('bounds publishes in flight', async () => {
    const transport = new RecordingTransport();
    const publisher = new MqttPublisher(transport, captureLogger().logger);
    const deviceIds = Array.from({ length: 2_000 }, (_, index) => `phone-${index}`);

    const result = await publisher.publish(deviceIds, { messageType: 'configUpdated' });

    expect(result.published).toBe(2_000);
    expect(transport.maxInFlight).toBe(500);
  });
});
