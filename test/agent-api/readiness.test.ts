import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ publicUrl: 'http://127.0.0.1:1/outpost' });
});

afterAll(async () => {
  await server.dispose();
});

describe('GET /readyz', () => {
  it('reports ready at the root', async () => {
    const response = await fetch(`${server.listenUrl}/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('reports ready under the project path', async () => {
    const response = await fetch(`${server.listenUrl}/outpost/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('leaves /healthz unchanged', async () => {
    const response = await fetch(`${server.listenUrl}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', openLongPolls: 0 });
  });

  it('returns 503 once the database is closed', async () => {
    const throwaway = await startTestServer();
    try {
      await throwaway.ctx.store.db.destroy();
      const response = await fetch(`${throwaway.listenUrl}/readyz`);
      const body = await response.json();

      expect(response.status).toBe(503);
      expect(body.status).toBe('unavailable');
      expect(body.reason).toMatch(/^Database check failed: /);

      const health = await fetch(`${throwaway.listenUrl}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      // Closing the server touches the destroyed database; only the data
      // directory matters here.
      await throwaway.dispose().catch(() => undefined);
    }
  });
});
