// Console sessions against attacks on the browser side: cookie flags, CSRF
// on every changing route, session fixation and the login rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, signInAsAdmin, startApiServer } from '../admin-api/support/client.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { fetchOperations, fillPath, type Operation } from './support/openapi-operations.js';

const SESSION_COOKIE = 'outpost_session';

/** Parses a Set-Cookie header into its value and lower-cased attributes. */
function parseSetCookie(header: string): { value: string; attributes: Map<string, string> } {
  const [pair = '', ...parts] = header.split(';').map((part) => part.trim());
  const attributes = new Map(parts.map((part) => {
    const [name = '', ...rest] = part.split('=');
    return [name.toLowerCase(), rest.join('=')] as [string, string];
  }));
  return { value: pair.slice(pair.indexOf('=') + 1), attributes };
}

async function login(server: TestServer, cookie?: string): Promise<Response> {
  return fetch(`${server.listenUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}) },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
}

function sessionCookieOf(response: Response) {
  const header = response.headers.getSetCookie().find((value) => value.startsWith(`${SESSION_COOKIE}=`));
  if (!header) throw new Error('login set no session cookie');
  return parseSetCookie(header);
}

describe('session cookie flags', () => {
  it('http public url', async () => {
    const server = await startApiServer();
    try {
      const cookie = sessionCookieOf(await login(server));

      expect(cookie.attributes.has('httponly')).toBe(true);
      expect(cookie.attributes.get('samesite')).toBe('Strict');
      expect(cookie.attributes.get('path')).toBe('/');
      expect(cookie.attributes.has('secure')).toBe(false);
      // OUTPOST_SESSION_HOURS defaults to 12; a second may pass between issuing and setting.
      expect(Number(cookie.attributes.get('max-age'))).toBeGreaterThan(12 * 3600 - 5);
      expect(Number(cookie.attributes.get('max-age'))).toBeLessThanOrEqual(12 * 3600);
    } finally {
      await server.dispose();
    }
  });

  it('https public url under a project path', async () => {
    const server = await startApiServer({ publicUrl: 'https://dhis2.example.org/outpost' });
    try {
      const response = await fetch(`${server.listenUrl}/outpost/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      });
      const cookie = sessionCookieOf(response);

      expect(cookie.attributes.has('secure')).toBe(true);
      expect(cookie.attributes.get('path')).toBe('/outpost');
      expect(cookie.attributes.has('httponly')).toBe(true);
    } finally {
      await server.dispose();
    }
  });
});

describe('session fixation', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startApiServer();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('invented session id is not adopted', async () => {
    const planted = 'attacker-chosen-session-id-0123456789';
    const issued = sessionCookieOf(await login(server, planted));

    expect(issued.value).not.toBe(planted);
    const withPlanted = await fetch(`${server.listenUrl}/api/v1/auth/session`, { headers: { cookie: `${SESSION_COOKIE}=${planted}` } });
    expect(withPlanted.status).toBe(401);
  });

  it('attacker session is replaced and ended', async () => {
    // The attacker signs in, then plants their own live session id in the victim's browser.
    const attacker = sessionCookieOf(await login(server)).value;
    const victim = sessionCookieOf(await login(server, attacker)).value;

    expect(victim).not.toBe(attacker);
    const attackerAfter = await fetch(`${server.listenUrl}/api/v1/auth/session`, { headers: { cookie: `${SESSION_COOKIE}=${attacker}` } });
    expect(attackerAfter.status).toBe(401);
  });
});

describe('csrf on every changing route', () => {
  let server: TestServer;
  let admin: ApiClient;
  let operations: Operation[];

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    operations = (await fetchOperations(server.listenUrl)).filter(
      (operation) => operation.method !== 'GET' && operation.method !== 'HEAD' && !operation.public,
    );
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('finds changing routes in OpenAPI', () => {
    expect(operations.length).toBeGreaterThan(10);
  });

  for (const variant of ['missing', 'wrong'] as const) {
    it(`${variant} token gets 403 everywhere`, async () => {
      const failures: string[] = [];
      for (const operation of operations) {
        const headers: Record<string, string> = { cookie: admin.cookie ?? '', 'content-type': 'application/json' };
        if (variant === 'wrong') headers['x-csrf-token'] = `${admin.csrfToken ?? ''}x`;
        const response = await fetch(`${server.listenUrl}${fillPath(operation.path, 'missing-id')}`, {
          method: operation.method,
          headers,
          body: '{}',
        });
        const body = (await response.json()) as { error?: string };
        if (response.status !== 403 || body.error !== 'csrf_failed') failures.push(`${operation.method} ${operation.path}: ${response.status}`);
      }
      expect(failures).toEqual([]);
      // The session survives: the failed requests changed nothing.
      expect((await admin.get('/v1/auth/session')).status).toBe(200);
    });
  }
});

describe('login rate limit', () => {
  const ATTEMPTS = 3;

  it('limits attempts per address', async () => {
    const server = await startTestServer({ env: { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: String(ATTEMPTS) } });
    try {
      const attempt = () =>
        fetch(`${server.listenUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: 'wrong-password' }),
        });
      for (let index = 0; index < ATTEMPTS; index += 1) expect((await attempt()).status).toBe(401);

      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // The right password is refused too until the window ends.
      expect((await login(server)).status).toBe(429);
    } finally {
      await server.dispose();
    }
  });

  it('forwarded address from untrusted peer', async () => {
    // With no trusted proxy, X-Forwarded-For cannot give each attempt a new address.
    const server = await startTestServer({ env: { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: String(ATTEMPTS), OUTPOST_TRUST_PROXY: 'none' } });
    try {
      const statuses: number[] = [];
      for (let index = 0; index <= ATTEMPTS; index += 1) {
        const response = await fetch(`${server.listenUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${index + 1}` },
          body: JSON.stringify({ username: 'admin', password: 'wrong-password' }),
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await server.dispose();
    }
  });
});
