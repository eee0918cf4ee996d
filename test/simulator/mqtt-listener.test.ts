import { describe, expect, it } from 'vitest';

import { parseMqttMessage } from '../../simulator/mqtt-listener.js';

describe('parseMqttMessage', () => {
  it('re-encodes an object payload as the JSON string a long poll would carry', () => {
    const message = parseMqttMessage('{"messageType":"uninstallApp","payload":{"pkg":"com.dhis2"}}');
    expect(message).toEqual({ messageType: 'uninstallApp', payload: '{"pkg":"com.dhis2"}' });
  });

  it('treats an empty object, a missing payload and a non-object payload as no payload', () => {
    expect(parseMqttMessage('{"messageType":"configUpdated","payload":{}}')).toEqual({ messageType: 'configUpdated', payload: '{}' });
    expect(parseMqttMessage('{"messageType":"configUpdated"}')).toEqual({ messageType: 'configUpdated', payload: null });
    expect(parseMqttMessage('{"messageType":"configUpdated","payload":"text"}')).toEqual({
      messageType: 'configUpdated',
      payload: null,
    });
  });

  it('drops what the agent cannot read', () => {
    expect(parseMqttMessage('not json')).toBeNull();
    expect(parseMqttMessage('[]')).toBeNull();
    expect(parseMqttMessage('{"payload":{}}')).toBeNull();
    expect(parseMqttMessage('{"messageType":7}')).toBeNull();
  });
});
