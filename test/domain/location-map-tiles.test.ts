import { describe, expect, it } from 'vitest';

import { checkTileUrlTemplate, tileImageSource } from '../../src/domain/location-map-tiles.js';

describe('tile URL templates', () => {
  it('accepts the OpenStreetMap template', () => {
    expect(checkTileUrlTemplate('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBeNull();
    expect(tileImageSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://tile.openstreetmap.org');
  });

  it('turns a subdomain placeholder into a wildcard', () => {
    expect(tileImageSource('https://{s}.tiles.example.org/{z}/{x}/{y}.png')).toBe('https://*.tiles.example.org');
  });

  it('keeps a loopback port', () => {
    expect(tileImageSource('http://127.0.0.1:8099/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:8099');
  });

  it('rejects a template without placeholders', () => {
    expect(checkTileUrlTemplate('https://tiles.example.org/map.png')).toContain('{z}, {x}, {y}');
  });

  it('rejects other schemes and credentials', () => {
    expect(checkTileUrlTemplate('ftp://tiles.example.org/{z}/{x}/{y}.png')).toContain('absolute http or https URL');
    expect(checkTileUrlTemplate('https://user:secret@tiles.example.org/{z}/{x}/{y}.png')).toContain('absolute http or https URL');
    expect(checkTileUrlTemplate('/tiles/{z}/{x}/{y}.png')).toContain('absolute http or https URL');
  });
});
