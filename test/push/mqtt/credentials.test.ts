import { describe, expect, it } from 'vitest';

import { AGENT_MQTT_USERNAME, agentMqttPassword, isAgentLogin } from '../../../src/push/mqtt/credentials.js';

// SHA-1 of "hmdmchangeme-C3z9vi54", computed with `printf … | sha1sum`.
const DEFAULT_SECRET_PASSWORD = 'D54F553ED2EAC4DCF371B38366EBFA1B5973811A';

describe('agent MQTT credentials', () => {
  it('derives the password of the public agent build', () => {
    expect(agentMqttPassword('changeme-C3z9vi54')).toBe(DEFAULT_SECRET_PASSWORD);
  });

  it('accepts the agent login', () => {
    expect(isAgentLogin(AGENT_MQTT_USERNAME, Buffer.from(DEFAULT_SECRET_PASSWORD), DEFAULT_SECRET_PASSWORD)).toBe(true);
  });

  it.each([
    ['lower-case password', 'hmdm', DEFAULT_SECRET_PASSWORD.toLowerCase()],
    ['other user name', 'admin', DEFAULT_SECRET_PASSWORD],
    ['missing user name', undefined, DEFAULT_SECRET_PASSWORD],
    ['empty password', 'hmdm', ''],
    ['longer password', 'hmdm', `${DEFAULT_SECRET_PASSWORD}0`],
  ])('rejects a %s', (_case, username, password) => {
    expect(isAgentLogin(username, Buffer.from(password), DEFAULT_SECRET_PASSWORD)).toBe(false);
  });

  it('rejects a missing password', () => {
    expect(isAgentLogin('hmdm', undefined, DEFAULT_SECRET_PASSWORD)).toBe(false);
  });
});
