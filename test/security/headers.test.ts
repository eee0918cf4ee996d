// Security headers on every kind of response: the console, the API, errors
// produced before routing, and the agent routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONSOLE_CONTENT_SECURITY_POLICY, consoleContentSecurityPolicy } from '../../src/security-headers.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Probe {
  name: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** Agent routes carry every header except the Content-Security-Policy. */
  agent?: boolean;
}

const PROBES: Probe[] = [
  { name: 'console page', method: 'GET', path: '/' },
  { name: 'console route', method: 'GET', path: '/devices/123' },
  { name: 'healthz', method: 'GET', path: '/healthz' },
  { name: 'api docs', method: 'GET', path: '/api/docs/json' },
  { name: 'api without session', method: 'GET', path: '/api/v1/devices' },
  { name: 'api login malformed', method: 'POST', path: '/api/v1/auth/login', body: '{', contentType: 'application/json' },
  { name: 'unknown route', method: 'GET', path: '/nothing/here' },
  { name: 'overlong path id', method: 'GET', path: `/api/v1/devices/${'x'.repeat(300)}` },
  { name: 'agent config', method: 'GET', path: '/rest/public/sync/configuration/unknown-phone', agent: true },
  { name: 'agent bad body', method: 'POST', path: '/rest/public/sync/info', body: '[', contentType: 'application/json', agent: true },
  { name: 'agent download', method: 'GET', path: '/files/apps/none/none.apk', agent: true },
];

async function send(server: TestServer, probe: Probe): Promise<Response> {
  return fetch(`${server.listenUrl}${probe.path}`, {
    method: probe.method,
    headers: probe.contentType ? { 'content-type': probe.contentType } : {},
    body: probe.body,
  });
}

describe('security headers over http', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  for (const probe of PROBES) {
    it(`${probe.name} carries the headers`, async () => {
      const response = await send(server, probe);

      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe(probe.agent ? null : 'DENY');
      expect(response.headers.get('referrer-policy')).toBe(probe.agent ? null : 'no-referrer');
      expect(response.headers.get('strict-transport-security')).toBeNull();
      expect(response.headers.get('content-security-policy')).toBe(probe.agent ? null : consoleContentSecurityPolicy(server.ctx.config));
    });
  }

  it('console policy allows only self', () => {
    const directives = Object.fromEntries(
      CONSOLE_CONTENT_SECURITY_POLICY.split('; ').map((directive) => {
        const [name, ...sources] = directive.split(' ');
        return [name, sources.join(' ')];
      }),
    );

    expect(directives['default-src']).toBe("'self'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(directives['object-src']).toBe("'none'");
  });

  it('console policy adds only the map tile server to images', () => {
    // Test servers point map tiles at loopback port 9.
    const policy = consoleContentSecurityPolicy(server.ctx.config);

    expect(policy).toContain("img-src 'self' data: http://127.0.0.1:9;");
    expect(policy.replace(' http://127.0.0.1:9', '')).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
  });
});

describe('security headers over https', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Only the public URL is https; a proxy in front ends TLS.
    server = await startTestServer({ publicUrl: 'https://mdm.example.org/outpost' });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('console sets strict transport security', async () => {
    const response = await fetch(`${server.listenUrl}/outpost/`);

    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(response.headers.get('content-security-policy')).toBe(consoleContentSecurityPolicy(server.ctx.config));
  });

  it('agent route under project path', async () => {
    const response = await fetch(`${server.listenUrl}/outpost/rest/public/sync/configuration/unknown-phone`);

    // Phones pay for every byte and read none of the browser-only headers.
    expect(response.headers.get('strict-transport-security')).toBeNull();
    expect(response.headers.get('x-frame-options')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBeNull();
  });
});
