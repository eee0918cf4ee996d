import http from 'node:http';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { acceptsGzip, GZIP_MIN_BYTES, responseSignature } from '../../src/agent-api/envelope.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { agentUrl, DEFAULT_SECRET, deviceInfo, enrol, seedPolicy, seedToken } from './helpers.js';

interface RawResponse {
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
}

/** Sends a request without the automatic decompression of fetch, so the test reads the bytes on the wire. */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, bytes: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

let server: TestServer;
const bigDevice = 'compression-big';
const smallDevice = 'compression-small';

beforeAll(async () => {
  server = await startTestServer();
  // A long title pushes the config over the gzip threshold; the default policy stays under it.
  const bigPolicy = await seedPolicy(server.ctx, { settings: { title: 'Programme phone '.repeat(80) } });
  const smallPolicy = await seedPolicy(server.ctx);
  await enrol(server, bigDevice, await seedToken(server.ctx, { policyId: bigPolicy }));
  await enrol(server, smallDevice, await seedToken(server.ctx, { policyId: smallPolicy }));
});

afterAll(async () => {
  await server.dispose();
});

describe('config response compression', () => {
  const configUrl = (deviceId: string) => agentUrl(server, `/rest/public/sync/configuration/${deviceId}`);

  it('gzips a large config for an agent that accepts gzip', async () => {
    const response = await rawRequest(configUrl(bigDevice), { headers: { 'accept-encoding': 'gzip' } });
    const text = gunzipSync(response.bytes).toString('utf8');

    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.bytes.length).toBeLessThan(Buffer.byteLength(text));
    expect(JSON.parse(text).data.title).toContain('Programme phone');
  });

  it('signs the uncompressed text', async () => {
    const response = await rawRequest(configUrl(bigDevice), { headers: { 'accept-encoding': 'gzip' } });
    const text = gunzipSync(response.bytes).toString('utf8');

    expect(response.headers['x-response-signature']).toBe(responseSignature(DEFAULT_SECRET, text));
  });

  it('sends plain text without Accept-Encoding', async () => {
    const response = await rawRequest(configUrl(bigDevice));

    expect(response.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(response.bytes.toString('utf8')).status).toBe('OK');
  });

  it('leaves a small config uncompressed', async () => {
    const response = await rawRequest(configUrl(smallDevice), { headers: { 'accept-encoding': 'gzip' } });

    expect(response.bytes.length).toBeLessThan(GZIP_MIN_BYTES);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['x-response-signature']).toBe(responseSignature(DEFAULT_SECRET, response.bytes.toString('utf8')));
  });

  it('signs an unknown device answer on the config route', async () => {
    const response = await rawRequest(configUrl('never-enrolled'));

    expect(response.headers['x-response-signature']).toBe(responseSignature(DEFAULT_SECRET, response.bytes.toString('utf8')));
  });

  it('leaves the signature off device-info answers', async () => {
    const response = await rawRequest(agentUrl(server, '/rest/public/sync/info'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify(deviceInfo(smallDevice)),
    });

    expect(JSON.parse(response.bytes.toString('utf8')).status).toBe('OK');
    expect(response.headers['x-response-signature']).toBeUndefined();
  });
});

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['deflate, gzip', true],
    ['GZIP;q=0.5', true],
    ['*', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['', false],
    [undefined, false],
  ])('reads %j as %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
