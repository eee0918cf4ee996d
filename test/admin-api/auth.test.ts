import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TEST_ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/server.js';
import { ApiClient, signInAsAdmin, startApiServer } from './support/client.js';

function cookieAttributes(setCookie: string): string[] {
  return setCookie.split(';').map((part) => part.trim().toLowerCase());
}

describe('admin API sessions', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startApiServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('login returns the user and a CSRF token', async () => {
    const client = new ApiClient(server);
    const response = await client.login('admin', TEST_ADMIN_PASSWORD);

    expect(response.status).toBe(200);
    expect(response.body.user.username).toBe('admin');
    expect(response.body.user.role).toBe('admin');
    expect(response.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it('session cookie is HttpOnly, SameSite=Strict, not Secure over http', async () => {
    const client = new ApiClient(server);
    const response = await client.login('admin', TEST_ADMIN_PASSWORD);
    const attributes = cookieAttributes(response.headers.get('set-cookie') ?? '');

    expect(attributes[0]).toMatch(/^outpost_session=.+/);
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/');
    expect(attributes).not.toContain('secure');
  });

  it('session token is stored only as a hash', async () => {
    const client = new ApiClient(server);
    await client.login('admin', TEST_ADMIN_PASSWORD);
    const token = client.cookie?.split('=')[1] ?? '';

    const rows = await server.ctx.store.db.selectFrom('sessions').select('id_hash').execute();
    expect(token.length).toBeGreaterThan(20);
    expect(rows.some((row) => row.id_hash === token)).toBe(false);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.id_hash))).toBe(true);
  });

  it('GET /auth/session returns the signed-in user', async () => {
    const client = await signInAsAdmin(server);
    const response = await client.get('/v1/auth/session');

    expect(response.status).toBe(200);
    expect(response.body.user.username).toBe('admin');
    expect(response.body.csrfToken).toBe(client.csrfToken);
  });

  it('GET /auth/session without a cookie is 401', async () => {
    const response = await new ApiClient(server).get('/v1/auth/session');

    expect(response.status).toBe(401);
    expect(response.body.error).toBe('unauthorized');
  });

  it('wrong password is 401 with no cookie', async () => {
    const client = new ApiClient(server);
    const response = await client.login('admin', 'not-the-password');

    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.body.message).toMatch(/wrong username or password/i);
  });

  it('unknown user is 401 like a wrong password', async () => {
    const response = await new ApiClient(server).login('nobody', 'whatever-password');

    expect(response.status).toBe(401);
    expect(response.body.message).toMatch(/wrong username or password/i);
  });

  it('failed login audit never contains the password', async () => {
    await new ApiClient(server).login('admin', 'typed-secret-guess');
    await new ApiClient(server).login('typed-secret-as-username', 'x');

    const rows = await server.ctx.store.db.selectFrom('audit_events').selectAll().execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain('typed-secret-guess');
    expect(text).not.toContain('typed-secret-as-username');
    expect(rows.some((row) => row.action === 'auth.login_failed')).toBe(true);
  });

  it('each login issues a new session id and ends the old one', async () => {
    const client = await signInAsAdmin(server);
    const firstCookie = client.cookie;

    await client.login('admin', TEST_ADMIN_PASSWORD);
    const secondCookie = client.cookie;
    expect(secondCookie).not.toBe(firstCookie);

    const stale = new ApiClient(server);
    stale.cookie = firstCookie;
    expect((await stale.get('/v1/auth/session')).status).toBe(401);
    expect((await client.get('/v1/auth/session')).status).toBe(200);
  });

  it('logout ends the session and clears the cookie', async () => {
    const client = await signInAsAdmin(server);
    const response = await client.post('/v1/auth/logout');

    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie') ?? '').toMatch(/outpost_session=;/);
    expect((await client.get('/v1/auth/session')).status).toBe(401);
  });

  it('missing CSRF header is 403', async () => {
    const client = await signInAsAdmin(server);
    const response = await client.request('POST', '/v1/org-units', { json: { name: 'Unit' }, noCsrf: true });

    expect(response.status).toBe(403);
    expect(response.body.error).toBe('csrf_failed');
    expect(await server.ctx.store.orgUnits.list()).toHaveLength(0);
  });

  it('wrong CSRF header is 403', async () => {
    const client = await signInAsAdmin(server);
    const response = await client.request('POST', '/v1/auth/logout', { noCsrf: true, headers: { 'x-csrf-token': 'guess' } });

    expect(response.status).toBe(403);
    expect((await client.get('/v1/auth/session')).status).toBe(200);
  });

  it('CSRF token of another session is 403', async () => {
    const first = await signInAsAdmin(server);
    const second = await signInAsAdmin(server);
    const response = await first.request('POST', '/v1/auth/logout', { noCsrf: true, headers: { 'x-csrf-token': second.csrfToken ?? '' } });

    expect(response.status).toBe(403);
  });

  it('expired session is 401', async () => {
    const client = await signInAsAdmin(server);
    const realNow = server.ctx.now;
    server.ctx.now = () => realNow() + (server.ctx.config.sessionHours + 1) * 3_600_000;
    try {
      expect((await client.get('/v1/auth/session')).status).toBe(401);
    } finally {
      server.ctx.now = realNow;
    }
  });
});

describe('admin API login rate limit', () => {
  it('answers 429 with Retry-After past the per-minute limit', async () => {
    const server = await startTestServer({ env: { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '3' } });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        statuses.push((await new ApiClient(server).login('admin', 'wrong-password')).status);
      }
      const limited = await new ApiClient(server).login('admin', TEST_ADMIN_PASSWORD);

      expect(statuses).toEqual([401, 401, 401]);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body.message).toMatch(/too many sign-in attempts/i);
      expect(limited.headers.get('set-cookie')).toBeNull();
    } finally {
      await server.dispose();
    }
  });
  it('ignores a forged X-Forwarded-For from an untrusted peer', async () => {
    const server = await startTestServer({ env: { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '2', OUTPOST_TRUST_PROXY: 'none' } });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await fetch(`${server.listenUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${attempt + 1}` },
          body: JSON.stringify({ username: 'admin', password: 'wrong-password' }),
        });
        statuses.push(response.status);
      }

      expect(statuses).toEqual([401, 401, 429, 429]);
    } finally {
      await server.dispose();
    }
  });
});

describe('admin API session cookie scope', () => {
  it('is Secure with an https public URL', async () => {
    const server = await startApiServer({ publicUrl: 'https://mdm.example.org' });
    try {
      const response = await new ApiClient(server).login('admin', TEST_ADMIN_PASSWORD);
      const attributes = cookieAttributes(response.headers.get('set-cookie') ?? '');

      expect(attributes).toContain('secure');
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=strict');
    } finally {
      await server.dispose();
    }
  });

  it('has the project path as its Path', async () => {
    const server = await startApiServer({ publicUrl: 'http://127.0.0.1:1/outpost' });
    try {
      const client = new ApiClient(server);
      const response = await client.login('admin', TEST_ADMIN_PASSWORD);
      const attributes = cookieAttributes(response.headers.get('set-cookie') ?? '');

      expect(response.status).toBe(200);
      expect(attributes).toContain('path=/outpost');
      expect((await client.get('/v1/auth/session')).status).toBe(200);
    } finally {
      await server.dispose();
    }
  });
});
