import { describe, expect, it } from 'vitest';

import { clientIdProblem, subscriptionProblem } from '../../../src/push/mqtt/topic-access.js';

describe('MQTT topic access', () => {
  it('allows the topic equal to the client id', () => {
    expect(subscriptionProblem('phone-1', 'phone-1')).toBeNull();
  });

  it.each(['#', '+', 'phone-1/#', 'phone-+', '+/phone-1'])('rejects the wildcard %s', (topic) => {
    expect(subscriptionProblem('phone-1', topic)).toBe('wildcard subscriptions are not allowed');
  });

  it.each(['phone-2', 'phone-1/x', '$SYS/broker', ''])('rejects the other topic "%s"', (topic) => {
    expect(subscriptionProblem('phone-1', topic)).toBe('a device may subscribe only to the topic equal to its client id');
  });

  it.each(['phone#1', 'phone+1', 'a/b', 'has space', ''])('rejects the client id "%s"', (clientId) => {
    expect(clientIdProblem(clientId)).toMatch(/^client id /);
  });

  it('accepts a serial number as client id', () => {
    expect(clientIdProblem('R58M123ABC')).toBeNull();
  });
});
