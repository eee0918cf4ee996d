import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../src/config.js';

const FLAGS = { dataDir: '/tmp/outpost-config-test', port: 8080 };

describe('contact-state and map configuration', () => {
  it('defaults follow the report interval', () => {
    const config = loadConfig(FLAGS, {});

    expect(config.onlineMinutes).toBe(20);
    expect(config.offlineMinutes).toBe(120);
    expect(config.mapTiles).toEqual({
      urlTemplate: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      attribution: '© OpenStreetMap contributors',
    });
  });

  it('offline default stays above a raised online time', () => {
    const config = loadConfig(FLAGS, { OUTPOST_ONLINE_MINUTES: '180' });

    expect(config.onlineMinutes).toBe(180);
    expect(config.offlineMinutes).toBe(181);
  });

  it('rejects offline not above online', () => {
    const load = () => loadConfig(FLAGS, { OUTPOST_ONLINE_MINUTES: '30', OUTPOST_OFFLINE_MINUTES: '30' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/OUTPOST_OFFLINE_MINUTES "30": it must be greater than OUTPOST_ONLINE_MINUTES \(30\)/);
  });

  it('rejects a non-numeric offline time', () => {
    expect(() => loadConfig(FLAGS, { OUTPOST_OFFLINE_MINUTES: 'two hours' })).toThrow(/Invalid OUTPOST_OFFLINE_MINUTES "two hours"/);
  });

  it('accepts a tile server with a subdomain placeholder', () => {
    const config = loadConfig(FLAGS, {
      OUTPOST_MAP_TILE_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png',
      OUTPOST_MAP_TILE_ATTRIBUTION: 'Tiles © Example',
    });

    expect(config.mapTiles.urlTemplate).toBe('https://{s}.tiles.example.org/{z}/{x}/{y}.png');
    expect(config.mapTiles.attribution).toBe('Tiles © Example');
  });

  it('rejects a tile URL without placeholders', () => {
    const load = () => loadConfig(FLAGS, { OUTPOST_MAP_TILE_URL: 'https://tiles.example.org/world.png' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/Invalid OUTPOST_MAP_TILE_URL .*lacks \{z\}, \{x\}, \{y\}/);
  });

  it('rejects a tile URL that is not http', () => {
    expect(() => loadConfig(FLAGS, { OUTPOST_MAP_TILE_URL: 'file:///tiles/{z}/{x}/{y}.png' })).toThrow(/absolute http or https URL/);
  });
});
