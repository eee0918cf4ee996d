import { describe, expect, it } from 'vitest';

import { agentBaseUrl, ConfigError, configWarnings, loadConfig, routePrefix } from '../src/config.js';

describe('loadConfig', () => {
  it('uses defaults with no flags or environment', () => {
    const config = loadConfig({}, {});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.longPollHoldSeconds).toBe(270);
    expect(config.maxUploadBytes).toBe(500 * 1024 * 1024);
    expect(config.projectPath).toBe('');
    expect(config.dataDir.endsWith('/data')).toBe(true);
  });

  it('prefers flags over environment', () => {
    const config = loadConfig({ port: '9000' }, { OUTPOST_PORT: '7000', OUTPOST_DATA_DIR: '/tmp/x' });
    expect(config.port).toBe(9000);
    expect(config.dataDir).toBe('/tmp/x');
  });

  it('takes the project path from the public URL', () => {
    const config = loadConfig({ publicUrl: 'https://example.org/outpost/' }, {});
    expect(config.projectPath).toBe('outpost');
    expect(routePrefix(config)).toBe('/outpost');
    expect(agentBaseUrl(config)).toBe('https://example.org');
  });

  it('drops the default https port from the base URL', () => {
    const config = loadConfig({ port: 8080, publicUrl: 'https://mdm.example.org:443' }, {});
    expect(agentBaseUrl(config)).toBe('https://mdm.example.org');
  });

  it('keeps a non-default port in the base URL', () => {
    const config = loadConfig({ publicUrl: 'http://10.0.0.5:8080' }, {});
    expect(agentBaseUrl(config)).toBe('http://10.0.0.5:8080');
  });

  it.each([
    ['a path of two segments', { publicUrl: 'https://example.org/a/b' }, {}, /one at most/],
    ['an ftp public URL', { publicUrl: 'ftp://example.org' }, {}, /http or https/],
    ['a relative public URL', { publicUrl: 'example.org' }, {}, /absolute URL/],
    ['a port out of range', { port: '70000' }, {}, /port/],
    ['a hold past the agent timeout', {}, { OUTPOST_LONG_POLL_HOLD_SECONDS: '300' }, /OUTPOST_LONG_POLL_HOLD_SECONDS/],
    ['a non-numeric upload limit', {}, { OUTPOST_MAX_UPLOAD_BYTES: 'lots' }, /OUTPOST_MAX_UPLOAD_BYTES/],
    ['a hexadecimal hold', {}, { OUTPOST_LONG_POLL_HOLD_SECONDS: '0x14' }, /OUTPOST_LONG_POLL_HOLD_SECONDS/],
    ['an upload limit in exponent form', {}, { OUTPOST_MAX_UPLOAD_BYTES: '1e9' }, /OUTPOST_MAX_UPLOAD_BYTES/],
    ['a port with spaces', { port: ' 8080 ' }, {}, /port/],
  ])('rejects %s', (_name, flags, env, message) => {
    expect(() => loadConfig(flags, env)).toThrow(ConfigError);
    expect(() => loadConfig(flags, env)).toThrow(message);
  });

  it('warns of plain-http tiles under an https console', () => {
    const mixed = loadConfig({ publicUrl: 'https://mdm.example.org' }, { OUTPOST_MAP_TILE_URL: 'http://tiles.example.org/{z}/{x}/{y}.png' });
    const secure = loadConfig({ publicUrl: 'https://mdm.example.org' }, { OUTPOST_MAP_TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png' });
    const plain = loadConfig({ publicUrl: 'http://10.0.0.5:8080' }, { OUTPOST_MAP_TILE_URL: 'http://10.0.0.5:8081/{z}/{x}/{y}.png' });

    expect(configWarnings(mixed)).toEqual([expect.stringMatching(/OUTPOST_MAP_TILE_URL .* https/)]);
    expect(configWarnings(secure)).toEqual([]);
    expect(configWarnings(plain)).toEqual([]);
  });
});
