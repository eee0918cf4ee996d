import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { agentUrl, deviceInfo, seedAppVersion } from './helpers.js';

const ADDRESS_LIMIT = 3;
const DEVICE_LIMIT = 2;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    env: {
      OUTPOST_AGENT_REQUESTS_PER_MINUTE: String(ADDRESS_LIMIT),
      OUTPOST_AGENT_DEVICE_REQUESTS_PER_MINUTE: String(DEVICE_LIMIT),
    },
  });
});

afterAll(async () => {
  await server.dispose();
});

// The test server trusts X-Forwarded-For from loopback, so each test picks
// the client address it needs from the documentation range 203.0.113.0/24.
async function syncFrom(address: string | null, deviceId: string): Promise<Response> {
  const headers: Record<string, string> = address === null ? {} : { 'x-forwarded-for': address };
  const response = await fetch(agentUrl(server, `/rest/public/sync/configuration/${deviceId}`), { headers });
  await response.arrayBuffer();
  return response;
}

describe('agent rate limit', () => {
  it('answers 429 past the address limit and serves others', async () => {
    for (let index = 0; index < ADDRESS_LIMIT; index += 1) {
      const response = await syncFrom('203.0.113.1', `address-phone-${index}`);
      expect(response.status).toBe(200);
    }

    const limited = await syncFrom('203.0.113.1', 'address-phone-extra');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const other = await syncFrom('203.0.113.2', 'address-phone-other');
    expect(other.status).toBe(200);
  });

  it('answers 429 past the device limit from any address', async () => {
    for (let index = 0; index < DEVICE_LIMIT; index += 1) {
      const response = await syncFrom(`203.0.113.${10 + index}`, 'busy-phone');
      expect(response.status).toBe(200);
    }

    const limited = await syncFrom('203.0.113.20', 'busy-phone');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();

    const otherDevice = await syncFrom('203.0.113.21', 'quiet-phone');
    expect(otherDevice.status).toBe(200);
  });

  it('counts the device report by the id in its body', async () => {
    const statuses: number[] = [];
    for (let index = 0; index <= DEVICE_LIMIT; index += 1) {
      const response = await fetch(agentUrl(server, '/rest/public/sync/info'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${30 + index}` },
        body: JSON.stringify(deviceInfo('reporting-phone')),
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }

    expect(statuses.slice(0, DEVICE_LIMIT)).toEqual([200, 200]);
    expect(statuses[DEVICE_LIMIT]).toBe(429);
  });

  it('does not limit loopback clients', async () => {
    for (let index = 0; index < ADDRESS_LIMIT + DEVICE_LIMIT + 2; index += 1) {
      const response = await syncFrom(null, 'local-phone');
      expect(response.status).toBe(200);
    }
  });

  it('does not limit APK downloads', async () => {
    const version = await seedAppVersion(server.ctx, { packageName: 'org.example.limited', versionCode: 1, versionName: '1.0' });
    const url = agentUrl(server, `/files/apps/${version.id}/${version.fileName}`);

    for (let index = 0; index < ADDRESS_LIMIT + 2; index += 1) {
      const response = await fetch(url, { headers: { 'x-forwarded-for': '203.0.113.40', range: 'bytes=0-9' } });
      await response.arrayBuffer();
      expect(response.status).toBe(206);
    }
  });
});
