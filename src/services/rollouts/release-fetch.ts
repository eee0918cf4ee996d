import { Agent, errors, request, type Dispatcher } from 'undici';

import { UnprocessableError } from '../../domain/errors.js';

/** Limits of one release download; tests shorten them. */
export interface FetchTimeouts {
  connectMs: number;
  /** Wait for the response headers. */
  headersMs: number;
  /** Maximum pause between two body chunks, not a limit on the whole transfer. */
  bodyIdleMs: number;
}

// Connecting takes well under 10 s on any working link. Release hosts send
// headers within seconds, and a stall of 60 s mid-body means the transfer is dead,
// while a slow but moving 40 MB download still completes.
export const DEFAULT_FETCH_TIMEOUTS: FetchTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyIdleMs: 60_000 };

// GitHub sends asset downloads through one or two redirects; five is plenty.
const MAX_REDIRECTS = 5;

/** A response whose body has not been read. */
export interface FetchedResponse {
  url: URL;
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/** Returns a dispatcher with the connect timeout; close it after the transfer. */
export function releaseDispatcher(timeouts: FetchTimeouts): Agent {
  return new Agent({ connect: { timeout: timeouts.connectMs } });
}

/** Parses an http(s) URL, or returns null for anything else. */
export function parseHttpUrl(text: string): URL | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

/**
 * GETs a URL, following redirects to http(s) URLs only, and returns the
 * first non-redirect response with a 2xx status. Network failures and
 * timeouts become UnprocessableError naming the URL.
 */
export async function fetchRelease(url: URL, dispatcher: Agent, timeouts: FetchTimeouts): Promise<FetchedResponse> {
  let current = url;
  for (let redirects = 0; ; redirects += 1) {
    const response = await send(current, dispatcher, timeouts);
    const location = headerText(response.headers.location);

    if (response.statusCode >= 300 && response.statusCode < 400 && location !== null) {
      await response.body.dump();
      const next = parseHttpUrl(new URL(location, current).href);
      if (!next) throw new UnprocessableError('url_redirect_invalid', `${current.href} redirects to ${location}, which is not an http(s) URL.`, 'body.url');
      if (redirects >= MAX_REDIRECTS) throw new UnprocessableError('url_redirect_loop', `${url.href} redirects more than ${MAX_REDIRECTS} times.`, 'body.url');
      current = next;
      continue;
    }

    if (response.statusCode < 200 || response.statusCode > 299) {
      await response.body.dump();
      throw new UnprocessableError(
        'url_http_error',
        `${current.href} returned HTTP ${response.statusCode}; check that the URL names a release or an APK and is public.`,
        'body.url',
      );
    }
    return { url: current, statusCode: response.statusCode, headers: response.headers, body: response.body };
  }
}

async function send(url: URL, dispatcher: Agent, timeouts: FetchTimeouts) {
  try {
    return await request(url, {
      method: 'GET',
      dispatcher,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyIdleMs,
      headers: { accept: 'application/vnd.github+json, application/vnd.android.package-archive, */*' },
    });
  } catch (error) {
    throw describeNetworkError(url, error);
  }
}

/** Maps a transfer failure to a message that names the URL and the cause; other errors come back unchanged. */
export function describeNetworkError(url: URL, error: unknown): unknown {
  if (error instanceof errors.ConnectTimeoutError || error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return new UnprocessableError('url_timeout', `${url.href} timed out (${error.message}); check the address or try again later.`, 'body.url');
  }
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET)$/.test(code)) {
    return new UnprocessableError('url_unreachable', `${url.href} is unreachable (${code}); check the address and that this server can reach it.`, 'body.url');
  }
  return error;
}

export function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
