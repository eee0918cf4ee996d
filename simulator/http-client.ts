import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

import { Agent, request } from 'undici';

import { CONNECTION_TIMEOUT_MS, LONG_POLL_READ_TIMEOUT_MS } from './agent-constants.js';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON with Content-Type application/json. */
  json?: unknown;
  signal: AbortSignal;
}

export interface DownloadResult {
  status: number;
  bytes: number;
  /** Standard Base64 SHA-256 of the received bytes, or null when the status was not 200. */
  sha256Base64: string | null;
  reprDigest: string | null;
}

// Idle sockets close well before Outpost's 65 s keep-alive timeout, so a
// request never goes out on a socket the server is closing.
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

/**
 * HTTP for a whole fleet in one process, with keep-alive and bounded socket
 * counts. Long polls get their own pool, sized for one held request per
 * agent, so they never starve the short calls of connections.
 */
export class FleetHttp {
  private readonly calls: Agent;
  private readonly polls: Agent;

  constructor(options: { maxConnections: number; maxPollConnections: number }) {
    this.calls = new Agent({
      connections: options.maxConnections,
      connect: { timeout: CONNECTION_TIMEOUT_MS },
      keepAliveTimeout: IDLE_SOCKET_TIMEOUT_MS,
    });
    this.polls = new Agent({
      connections: options.maxPollConnections,
      connect: { timeout: CONNECTION_TIMEOUT_MS },
      keepAliveTimeout: IDLE_SOCKET_TIMEOUT_MS,
    });
  }

  /** Sends a call with the agent's 10 s timeouts and reads the whole body as text. */
  send(call: HttpRequest): Promise<HttpResponse> {
    return this.exchange(call, this.calls, CONNECTION_TIMEOUT_MS);
  }

  /** Sends a long poll with the agent's 300 s read timeout. */
  poll(call: HttpRequest): Promise<HttpResponse> {
    return this.exchange(call, this.polls, LONG_POLL_READ_TIMEOUT_MS);
  }

  /**
   * Downloads a file as the agent does (Accept-Encoding: identity), hashing
   * the bytes as they arrive so that no APK is held in memory. With `saveTo`
   * the bytes are also written to that file.
   */
  async download(
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
    saveTo?: string,
  ): Promise<DownloadResult> {
    const response = await request(url, {
      method: 'GET',
      headers: { 'accept-encoding': 'identity', ...headers },
      dispatcher: this.calls,
      headersTimeout: CONNECTION_TIMEOUT_MS,
      bodyTimeout: CONNECTION_TIMEOUT_MS,
      signal,
    });

    const reprDigest = headerValue(response.headers['repr-digest']);
    // InstallUtils.downloadFile accepts exactly 200 and nothing else.
    if (response.statusCode !== 200) {
      await response.body.dump();
      return { status: response.statusCode, bytes: 0, sha256Base64: null, reprDigest };
    }

    const hash = createHash('sha256');
    const file = saveTo ? createWriteStream(saveTo) : null;
    let bytes = 0;
    try {
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
        if (file && !file.write(buffer)) await once(file, 'drain');
      }
    } catch (error) {
      file?.destroy();
      throw error;
    }
    if (file) {
      file.end();
      await finished(file);
    }
    return { status: 200, bytes, sha256Base64: hash.digest('base64'), reprDigest };
  }

  /**
   * Downloads a file in two requests: the first is dropped after `cutAt` of
   * the bytes, as a lost connection would end it, and the second requests
   * the rest with Range and If-Range. Returns status 200 when both parts
   * arrived, with the hash of the whole file.
   */
  async downloadResuming(url: string, headers: Record<string, string>, signal: AbortSignal, cutAt: number): Promise<DownloadResult> {
    const hash = createHash('sha256');
    const first = await request(url, { method: 'GET', headers: { 'accept-encoding': 'identity', ...headers }, dispatcher: this.calls, signal });
    const reprDigest = headerValue(first.headers['repr-digest']);
    const etag = headerValue(first.headers.etag);
    const size = Number(headerValue(first.headers['content-length']) ?? 0);
    if (first.statusCode !== 200) {
      await first.body.dump();
      return { status: first.statusCode, bytes: 0, sha256Base64: null, reprDigest };
    }

    const limit = Math.floor(size * cutAt);
    let received = 0;
    for await (const chunk of first.body) {
      const buffer = (chunk as Buffer).subarray(0, limit - received);
      hash.update(buffer);
      received += buffer.length;
      if (received >= limit) break;
    }
    first.body.destroy();

    const rangeHeaders: Record<string, string> = { 'accept-encoding': 'identity', ...headers, range: `bytes=${received}-` };
    if (etag) rangeHeaders['if-range'] = etag;
    const rest = await request(url, { method: 'GET', headers: rangeHeaders, dispatcher: this.calls, signal });
    if (rest.statusCode !== 206) {
      await rest.body.dump();
      return { status: rest.statusCode, bytes: received, sha256Base64: null, reprDigest };
    }
    for await (const chunk of rest.body) {
      hash.update(chunk as Buffer);
      received += (chunk as Buffer).length;
    }
    return { status: 200, bytes: received, sha256Base64: hash.digest('base64'), reprDigest };
  }

  async close(): Promise<void> {
    await Promise.all([this.calls.close(), this.polls.close()]);
  }

  private async exchange(call: HttpRequest, dispatcher: Agent, readTimeoutMs: number): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...call.headers };
    let body: string | undefined;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] = 'application/json';
    }

    const response = await request(call.url, {
      method: call.method,
      headers,
      body,
      dispatcher,
      headersTimeout: readTimeoutMs,
      bodyTimeout: readTimeoutMs,
      signal: call.signal,
    });
    const text = await response.body.text();

    const flat: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) flat[name] = headerValue(value) ?? undefined;
    return { status: response.statusCode, headers: flat, text };
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
