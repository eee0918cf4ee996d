import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.js';
import { CONSOLE_CONTENT_SECURITY_POLICY } from '../../src/security-headers.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The tile template's server is copied into the console's
// Content-Security-Policy. Its host was checked only with URL.canParse, which
// drops tabs and accepts ";", "," and "*", so a template could add a directive
// such as script-src-elem * (scripts from anywhere) or widen img-src to every
// https host. An IPv6 address, which CSP cannot express, left the map without tiles.
// Leaflet throws on a placeholder it does not know, such as {apikey}, and
// then shows no tile at all.

const FLAGS = { dataDir: '/tmp/outpost-tile-template-test', port: 8080 };

function loadWithTiles(template: string) {
  return () => loadConfig(FLAGS, { OUTPOST_MAP_TILE_URL: template });
}

describe('tile template validation', () => {
  const rejected: Array<[string, string, RegExp]> = [
    ['a tab-separated directive in the host', 'https://tiles.example.org;\tscript-src-elem\t*/{z}/{x}/{y}.png', /contains "\\t"/],
    ['a semicolon in the host', 'https://tiles.example.org;script-src/{z}/{x}/{y}.png', /is not a host name or IPv4 address/],
    ['a wildcard host', 'https://*/{z}/{x}/{y}.png', /is not a host name or IPv4 address/],
    ['a comma in the host', 'https://tiles.example.org,other.example.org/{z}/{x}/{y}.png', /is not a host name or IPv4 address/],
    ['a quote in the host', "https://tiles.example.org'/{z}/{x}/{y}.png", /is not a host name or IPv4 address/],
    ['a double quote in the path', 'https://tiles.example.org/{z}/{x}/{y}.png"onerror="x', /contains "\\""/],
    ['a javascript: URL', 'javascript:alert(1)//{z}/{x}/{y}', /absolute http or https URL/],
    ['an unknown placeholder', 'https://tiles.example.org/{z}/{x}/{y}.png?key={apikey}', /\{apikey\}, which Leaflet cannot fill in/],
    ['{s} past the first label', 'https://tiles.{s}.example.org/{z}/{x}/{y}.png', /\{s\} may stand only in the first label/],
    ['an IPv6 address', 'http://[::1]:8080/{z}/{x}/{y}.png', /cannot name an IPv6 address/],
  ];

  for (const [name, template, message] of rejected) {
    it(`rejects ${name}`, () => {
      expect(loadWithTiles(template)).toThrow(ConfigError);
      expect(loadWithTiles(template)).toThrow(message);
    });
  }

  it('accepts a TMS row placeholder', () => {
    const config = loadWithTiles('https://tiles.example.org/{z}/{x}/{-y}.png')();

    expect(config.mapTiles.urlTemplate).toBe('https://tiles.example.org/{z}/{x}/{-y}.png');
  });

  it('accepts a retina placeholder', () => {
    expect(loadWithTiles('https://tiles.example.org/{z}/{x}/{y}{r}.png')().mapTiles.urlTemplate).toContain('{r}');
  });
});

describe('tile server in the policy', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { OUTPOST_MAP_TILE_URL: 'https://{s}-tiles.example.org/{z}/{x}/{y}.png' } });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('adds only the tile server to img-src', async () => {
    const response = await fetch(`${server.listenUrl}/`);
    const policy = response.headers.get('content-security-policy') ?? '';

    const expected = CONSOLE_CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", "img-src 'self' data: https://*.example.org");
    expect(policy).toBe(expected);
    expect(policy.split(';').map((directive) => directive.trim().split(/\s+/)[0])).not.toContain('script-src-elem');
  });
});
