import { describe, expect, it } from 'vitest';

import { ConfigError, ENVIRONMENT_SETTINGS, loadConfig } from '../src/config.js';

describe('agent protection settings', () => {
  it('defaults to no signatures and generous limits', () => {
    const config = loadConfig({}, {});

    expect(config.requireAgentSignature).toBe(false);
    expect(config.agentRequestsPerMinute).toBe(6000);
    expect(config.agentDeviceRequestsPerMinute).toBe(30);
  });

  it('reads OUTPOST_REQUIRE_AGENT_SIGNATURE', () => {
    const cases: Array<[string, boolean]> = [
      ['true', true],
      ['TRUE', true],
      [' false ', false],
      ['', false],
    ];
    for (const [value, expected] of cases) {
      expect(loadConfig({}, { OUTPOST_REQUIRE_AGENT_SIGNATURE: value }).requireAgentSignature).toBe(expected);
    }
  });

  it('rejects a signature setting other than true or false', () => {
    for (const value of ['yes', '1', 'on']) {
      expect(() => loadConfig({}, { OUTPOST_REQUIRE_AGENT_SIGNATURE: value })).toThrow(ConfigError);
    }
    expect(() => loadConfig({}, { OUTPOST_REQUIRE_AGENT_SIGNATURE: 'yes' })).toThrow(/OUTPOST_REQUIRE_AGENT_SIGNATURE "yes"/);
  });

  it('reads both request limits', () => {
    const config = loadConfig(
      {},
      { OUTPOST_AGENT_REQUESTS_PER_MINUTE: '2000', OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE: '12' },
    );

    expect(config.agentRequestsPerMinute).toBe(2000);
    expect(config.agentDeviceRequestsPerMinute).toBe(12);
  });

  it('rejects request limits that are not positive whole numbers', () => {
    for (const name of ['OUTPOST_AGENT_REQUESTS_PER_MINUTE', 'OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE']) {
      for (const value of ['0', '-5', '1.5', 'many']) {
        expect(() => loadConfig({}, { [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      }
    }
  });

  it('lists the new settings for --help', () => {
    const names = ENVIRONMENT_SETTINGS.map(([name]) => name);

    expect(names).toContain('OUTPOST_REQUIRE_AGENT_SIGNATURE');
    expect(names).toContain('OUTPOST_AGENT_REQUESTS_PER_MINUTE');
    expect(names).toContain('OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE');
  });
});
