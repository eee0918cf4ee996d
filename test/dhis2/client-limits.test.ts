import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Dhis2Client } from '../../src/dhis2/client.js';
import { Dhis2Error } from '../../src/dhis2/errors.js';

// A loopback server that sends JSON bodies of a chosen size, with or without
// Content-Length, so the client's size cap can be checked both ways.
const LIMIT_BYTES = 1024;

let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const size = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('size'));
    const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, size - 15)) });
    response.setHeader('content-type', 'application/json');
    if (request.url?.includes('chunked')) {
      // Two writes without Content-Length make Node send the body chunked.
      response.write(body.slice(0, 10));
      response.end(body.slice(10));
    } else {
      response.setHeader('content-length', String(Buffer.byteLength(body)));
      response.end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function client(): Dhis2Client {
  return new Dhis2Client({ baseUrl, token: 'd2pat_test', timeoutMs: 5_000, maxResponseBytes: LIMIT_BYTES, retryDelayMs: 1 });
}

async function failure(path: string): Promise<Dhis2Error> {
  const error = await client()
    .get(path)
    .then(() => null)
    .catch((caught: unknown) => caught);
  if (!(error instanceof Dhis2Error)) throw new Error(`expected a Dhis2Error for ${path}, got ${String(error)}`);
  return error;
}

describe('Dhis2Client response size cap', () => {
  it('reads an answer under the cap', async () => {
    const answer = await client().get<{ padding: string }>('/api/small?size=500');

    expect(answer.padding.length).toBeGreaterThan(400);
  });

  it('rejects a declared length over the cap', async () => {
    const error = await failure('/api/large?size=5000');

    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('more than 1024 bytes');
  });

  it('rejects a chunked body once it passes the cap', async () => {
    const error = await failure('/api/chunked?size=5000');

    expect(error.kind).toBe('bad_response');
  });
});
