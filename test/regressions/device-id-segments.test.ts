import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { routePrefix } from '../../src/config.js';
import { seedPolicy, seedToken } from '../agent-api/helpers.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Retrofit rejects "." and ".." as @Path values because they would
// traverse the path, so a phone enrolled under such an id can never sync.
// NOTE: that Retrofit check is recalled from Retrofit 2.x, not verified
// against the Retrofit version in the agent. C1 controls are control characters that MQTT topic names
// should not contain, and bidirectional overrides and zero-width characters
// make two different ids look the same in the console.

let server: TestServer;
let tokenId: string;

beforeAll(async () => {
  server = await startTestServer();
  tokenId = await seedTokenForServer();
});

afterAll(async () => {
  await server?.dispose();
});

async function seedTokenForServer(): Promise<string> {
  const policyId = await seedPolicy(server.ctx);
  return seedToken(server.ctx, { policyId });
}

/** Sends the enrol request with the raw path segment, as fetch would resolve dot segments. */
function enrolRaw(segment: string): Promise<{ status: number; json: any }> {
  const url = new URL(server.listenUrl);
  const body = JSON.stringify({ configuration: tokenId });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `${routePrefix(server.ctx.config)}/rest/public/sync/configuration/${segment}`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('enrolment rejects device ids the agent or MQTT cannot carry', () => {
  it.each([
    ['a single dot', '.'],
    ['two dots', '..'],
    ['a C1 control character U+0085', encodeURIComponent('phone\u0085one')],
    ['a right-to-left override U+202E', encodeURIComponent('\u202e10-enohp')],
    ['a zero-width space U+200B', encodeURIComponent('phone\u200b01')],
  ])('rejects an id made of %s', async (_name, segment) => {
    const response = await enrolRaw(segment);

    expect(response.status).toBe(200);
    expect(response.json.message).toBe('error.notfound.device');
    expect(response.json.detail).toMatch(/Device id/);
  });
});
