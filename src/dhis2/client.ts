import { Dhis2Error } from './errors.js';

export interface Dhis2ClientOptions {
  /** DHIS2 root, e.g. https://dhis2.example.org or https://example.org/dhis; no trailing slash needed. */
  baseUrl: string;
  /** Personal access token, sent as `Authorization: ApiToken …`. */
  token: string;
  timeoutMs: number;
  /** Aborts every call, e.g. when a job loses its lease. */
  signal?: AbortSignal;
  /** Pause before a retry; tests shorten it. */
  retryDelayMs?: number;
  /** Maximum response size read; MAX_DHIS2_RESPONSE_BYTES when absent. */
  maxResponseBytes?: number;
}

// Two more tries absorb a restart of DHIS2 behind its proxy or a lost
// connection. A timeout is not retried: a hung server would multiply the
// wait, and the next scheduled run tries again anyway. Nor are 4xx
// responses and HTML pages, which repeat until someone fixes a setting.
const GET_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 1000;
// Enough of an unexpected body to recognise a login page or a proxy error.
const BODY_SAMPLE_CHARS = 120;

/**
 * Maximum DHIS2 response size read, in bytes. Sync pages are fetched a
 * bounded page at a time. By estimate a page of 1,000 users with their org units and groups
 * is a few MB, so 64 MB leaves a wide margin and still stops a broken or
 * hostile server from filling Outpost's memory.
 */
const MEGABYTE = 1024 * 1024;
export const MAX_DHIS2_RESPONSE_BYTES = 64 * MEGABYTE;

export type QueryValue = string | number | boolean | readonly string[];

/**
 * Calls the DHIS2 Web API with a personal access token.
 *
 * @example
 * const dhis2 = new Dhis2Client({ baseUrl: 'https://dhis2.example.org', token, timeoutMs: 30_000 });
 * const info = await dhis2.get<{ version: string }>('/api/system/info');
 */
export class Dhis2Client {
  private readonly base: string;

  constructor(private readonly options: Dhis2ClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** GETs JSON, retrying server errors and lost connections a bounded number of times. */
  async get<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    let attempt = 0;
    for (;;) {
      try {
        return await this.call<T>('GET', path, query);
      } catch (error) {
        const retriable = error instanceof Dhis2Error && (error.kind === 'server' || error.kind === 'network');
        if (!retriable || attempt >= GET_RETRIES || this.options.signal?.aborted) throw error;
        attempt++;
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS) * attempt));
      }
    }
  }

  /** PUTs JSON once; writes are never retried blindly. */
  async put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, {}, body);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, {}, body);
  }

  private async call<T>(method: string, path: string, query: Record<string, QueryValue>, body?: unknown): Promise<T> {
    const url = new URL(this.base + path);
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, item);
      else url.searchParams.set(name, String(value));
    }
    const where = `${method} ${this.base}${path}`;

    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: {
          Authorization: `ApiToken ${this.options.token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await readCapped(response, this.options.maxResponseBytes ?? MAX_DHIS2_RESPONSE_BYTES, where);
    } catch (error) {
      if (error instanceof Dhis2Error) throw error;
      throw this.transportError(error, where, timeout.aborted);
    }

    if (!response.ok) throw httpError(response.status, text, where);
    return parseJson<T>(response, text, where);
  }

  private transportError(error: unknown, where: string, timedOut: boolean): Dhis2Error {
    if (timedOut) {
      return new Dhis2Error(
        'timeout',
        `DHIS2 did not answer ${where} within ${Math.round(this.options.timeoutMs / 1000)} s. ` +
          'Check that the server is up, or raise the timeout in the DHIS2 connection settings.',
      );
    }
    if (this.options.signal?.aborted) return new Dhis2Error('network', `${where} was cancelled.`);

    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    return new Dhis2Error('network', `Could not reach DHIS2 for ${where} (${detail}). Check the base URL and the network.`);
  }
}

/** Reads a response body as text, or throws a Dhis2Error once it grows past maxBytes. */
export async function readCapped(response: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(where, maxBytes);
  if (!response.body) return '';

  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body) {
    received += chunk.byteLength;
    if (received > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge(where, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(where: string, maxBytes: number): Dhis2Error {
  return new Dhis2Error(
    'bad_response',
    `DHIS2 sent more than ${maxBytes >= MEGABYTE ? `${Math.round(maxBytes / MEGABYTE)} MB` : `${maxBytes} bytes`} for ${where}. ` +
      'Check that the base URL points at DHIS2 and not at a file server or proxy.',
  );
}

function parseJson<T>(response: Response, text: string, where: string): T {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) {
    const looksHtml = /^\s*</.test(text);
    throw new Dhis2Error(
      'not_json',
      `DHIS2 returned ${looksHtml ? 'an HTML page' : `"${type || 'no content type'}"`} instead of JSON for ${where}. ` +
        'Check that the base URL is the DHIS2 root (the address before /api) and that no login page or proxy sits in front of the API.',
      response.status,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Dhis2Error('not_json', `DHIS2 returned invalid JSON for ${where}: "${text.slice(0, BODY_SAMPLE_CHARS)}".`);
  }
}

function httpError(status: number, text: string, where: string): Dhis2Error {
  const detail = dhis2Message(text);
  const suffix = detail ? ` DHIS2 says: "${detail}".` : '';

  if (status === 401) {
    return new Dhis2Error(
      'unauthorized',
      `DHIS2 rejected the access token for ${where} (401).${suffix} The token may be wrong, expired or revoked: ` +
        'create a new personal access token in DHIS2 and save it in the connection settings.',
      status,
    );
  }
  if (status === 403) {
    return new Dhis2Error(
      'forbidden',
      `The token's DHIS2 user may not call ${where} (403).${suffix} Give that user the authority it needs, ` +
        "or check the token's allowed methods and IP addresses.",
      status,
    );
  }
  if (status === 404) return new Dhis2Error('not_found', `DHIS2 has nothing at ${where} (404).${suffix}`, status);
  if (status === 409) return new Dhis2Error('conflict', `DHIS2 rejected ${where} with a conflict (409).${suffix}`, status);
  if (status >= 500) return new Dhis2Error('server', `DHIS2 failed ${where} with ${status}.${suffix} Try again later.`, status);
  return new Dhis2Error('bad_response', `DHIS2 rejected ${where} with ${status}.${suffix}`, status);
}

/** Extracts the shortened `message` of a DHIS2 error body, which carries no secrets. */
function dhis2Message(text: string): string | null {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' ? body.message.slice(0, 300) : null;
  } catch {
    return null;
  }
}
