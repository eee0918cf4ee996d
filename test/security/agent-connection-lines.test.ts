// Agent responses leave out the Connection and Keep-Alive lines but keep
// the connection open; console and API responses keep every header.
import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ publicUrl: 'https://mdm.example.org' });
});
afterAll(async () => {
  await server?.dispose();
});

const AGENT_POLL_PATH = '/rest/notification/polling/unknown-phone';
const AGENT_INFO_PATH = '/rest/public/sync/info';

interface RawExchange {
  /** Header lines of each response, in order, without the status line. */
  heads: string[][];
  statusLines: string[];
  /** True when the server closed the connection before the client did. */
  closedByServer: boolean;
}

/** Sends `requests` pipelined on one TCP connection and collects the response heads. */
function exchange(requests: string[], expectedResponses: number): Promise<RawExchange> {
  const url = new URL(server.listenUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    let closedByServer = false;
    const finish = () => resolve({ ...splitResponses(received), closedByServer });
    const timer = setTimeout(() => {
      socket.destroy();
      finish();
    }, 5_000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (splitResponses(received).heads.length < expectedResponses) return;
      // Give a closing server a moment to end the connection.
      setTimeout(() => {
        clearTimeout(timer);
        socket.destroy();
        finish();
      }, 200);
    });
    socket.on('end', () => (closedByServer = true));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(requests.join('')));
  });
}

/** Splits received text into responses by their Content-Length. */
function splitResponses(received: string): Omit<RawExchange, 'closedByServer'> {
  const heads: string[][] = [];
  const statusLines: string[] = [];
  let rest = received;
  while (rest.startsWith('HTTP/')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    statusLines.push(statusLine);
    heads.push(lines);
    const length = Number(header(lines, 'content-length') ?? '0');
    rest = rest.slice(end + 4 + length);
  }
  return { heads, statusLines };
}

function request(method: string, path: string, extraLines: string[] = [], version = '1.1', body = ''): string {
  const lines = [`${method} ${path} HTTP/${version}`, 'Host: mdm.example.org', ...extraLines];
  if (body !== '') lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Returns the value of header `name` (lower case) in a response head, or undefined. */
function header(head: string[], name: string): string | undefined {
  return head.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
}

describe('agent response connection lines', () => {
  it('poll response has no connection lines', async () => {
    const result = await exchange([request('GET', AGENT_POLL_PATH)], 1);
    const head = result.heads[0] ?? [];

    expect(result.statusLines[0]).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(header(head, 'connection')).toBeUndefined();
    expect(header(head, 'keep-alive')).toBeUndefined();
  });

  it('keeps the connection open for the next request', async () => {
    const body = JSON.stringify({ deviceId: 'unknown-phone' });
    const result = await exchange([request('POST', AGENT_INFO_PATH, [], '1.1', body), request('POST', AGENT_INFO_PATH, [], '1.1', body)], 2);

    expect(result.heads).toHaveLength(2);
    expect(header(result.heads[1] ?? [], 'connection')).toBeUndefined();
    expect(result.closedByServer).toBe(false);
  });

  it('still sends close when the client asks', async () => {
    const result = await exchange([request('GET', AGENT_POLL_PATH, ['Connection: close'])], 1);

    expect(header(result.heads[0] ?? [], 'connection')).toBe('close');
    expect(result.closedByServer).toBe(true);
  });

  it('keeps keep-alive for http/1.0 clients', async () => {
    const result = await exchange([request('GET', AGENT_POLL_PATH, ['Connection: keep-alive'], '1.0')], 1);

    expect(header(result.heads[0] ?? [], 'connection')).toBe('keep-alive');
  });

  it('keeps nosniff on agent responses', async () => {
    const result = await exchange([request('GET', AGENT_POLL_PATH)], 1);
    const head = result.heads[0] ?? [];

    // A browser tricked into opening an agent URL must not render the JSON as HTML.
    expect(header(head, 'x-content-type-options')).toBe('nosniff');
    expect(header(head, 'x-frame-options')).toBeUndefined();
    expect(header(head, 'strict-transport-security')).toBeUndefined();
  });
});

describe('console response headers', () => {
  for (const path of ['/healthz', '/api/v1/devices']) {
    it(`${path} keeps browser headers`, async () => {
      const result = await exchange([request('GET', path)], 1);
      const head = result.heads[0] ?? [];

      expect(header(head, 'connection')).toBe('keep-alive');
      expect(header(head, 'keep-alive')).toMatch(/^timeout=\d+/);
      expect(header(head, 'x-content-type-options')).toBe('nosniff');
      expect(header(head, 'x-frame-options')).toBe('DENY');
      expect(header(head, 'referrer-policy')).toBe('no-referrer');
      expect(header(head, 'strict-transport-security')).toBe('max-age=31536000');
      expect(header(head, 'content-security-policy')).toContain("default-src 'self'");
    });
  }
});
