// A raw HTTP client for the fuzz tests: undici sends the path and body
// bytes as given, where fetch would normalise the URL.
import { Client } from 'undici';

import { REQUEST_TIMEOUT_MS } from './fuzz-settings.js';

export interface RawRequest {
  method: string;
  /** Path and query, sent as written; only bytes 0x21 to 0xff are allowed. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Milliseconds from sending to the last body byte. */
  elapsedMs: number;
}

/** Sends requests over one keep-alive connection pool to a server under test. */
export class RawHttpClient {
  private readonly client: Client;

  constructor(origin: string) {
    this.client = new Client(origin, {
      headersTimeout: REQUEST_TIMEOUT_MS,
      bodyTimeout: REQUEST_TIMEOUT_MS,
      pipelining: 1,
    });
  }

  /**
   * Sends one request. A response that takes longer than REQUEST_TIMEOUT_MS
   * rejects with a message naming the request, so a hang fails the property.
   */
  async send(request: RawRequest): Promise<RawResponse> {
    try {
      return await this.sendOnce(request);
    } catch (error) {
      // Node may close a keep-alive connection after a response that left
      // the previous request's body unread, so the next request on that
      // socket fails before it is sent. One retry on a new connection tells
      // that apart from a server that drops this request itself.
      if (!isClosedConnection(error)) throw error;
      return await this.sendOnce(request);
    }
  }

  private async sendOnce(request: RawRequest): Promise<RawResponse> {
    const started = performance.now();
    try {
      const response = await this.client.request({
        method: request.method as 'GET',
        path: request.path,
        headers: request.headers,
        body: request.body === undefined ? undefined : Buffer.from(request.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text, elapsedMs: performance.now() - started };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new RequestFailedError(
        `${request.method} ${request.path} failed after ${Math.round(performance.now() - started)} ms: ${reason}`,
        error,
      );
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** A request that got no response, with the undici error as its cause. */
export class RequestFailedError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

function isClosedConnection(error: unknown): boolean {
  const cause = error instanceof RequestFailedError ? error.cause : error;
  return cause instanceof Error && (cause as { code?: string }).code === 'UND_ERR_SOCKET';
}

/** Throws when a response is a server error, with the request and body in the message. */
export function expectNoServerError(request: RawRequest, response: RawResponse): void {
  if (response.status < 500) return;

  let body = '';
  if (typeof request.body === 'string') body = request.body;
  else if (request.body) body = Buffer.from(request.body).toString('base64');
  throw new Error(
    `${request.method} ${request.path} returned HTTP ${response.status}: ${response.text.slice(0, 500)}\n` +
      `content-type: ${request.headers?.['content-type'] ?? '(none)'}\nbody (${typeof request.body === 'string' ? 'text' : 'base64'}): ${body.slice(0, 2000)}`,
  );
}
