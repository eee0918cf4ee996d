/**
 * HTTP client for the admin API. URLs are resolved against the page's base,
 * so the console works at `/` and under a project path such as `/outpost/`.
 */

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

const API_PATH = 'api/v1/';
const SAFE_METHODS = new Set(['GET', 'HEAD']);
// A proxy error page can be long HTML; its first line or two is enough to show.
const MAX_PLAIN_ERROR_CHARS = 200;

/** Error response of the admin API: `{error, message, field?}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Status of an ApiError raised when no HTTP response arrived. */
export const NETWORK_ERROR_STATUS = 0;

let csrfToken: string | null = null;
let unauthorizedListener: (() => void) | null = null;

/** Stores the token that every request other than GET and HEAD must carry. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function csrfHeaders(method: string): Record<string, string> {
  if (SAFE_METHODS.has(method.toUpperCase()) || csrfToken === null) return {};
  return { 'X-CSRF-Token': csrfToken };
}

/** Registers the callback run when an API call returns 401 (session ended). */
export function onUnauthorized(listener: (() => void) | null): void {
  unauthorizedListener = listener;
}

export function notifyUnauthorized(): void {
  unauthorizedListener?.();
}

/** Absolute URL of an admin API path such as `devices/abc`, with query parameters. */
export function apiUrl(path: string, query: Query = {}): string {
  // The document URL without its file name, query and hash: `/outpost/` for
  // `/outpost/index.html#/devices`.
  const url = new URL(API_PATH + path.replace(/^\//, ''), new URL('./', document.baseURI));
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Leaves 401 to the caller instead of ending the session (login uses it). */
  ignoreUnauthorized?: boolean;
}

/** Sends a JSON request and returns the parsed body, or throws ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...csrfHeaders(method) };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), { method, headers, body, credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(NETWORK_ERROR_STATUS, 'network_error', String(error));
  }
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  const error = await errorFromResponse(response.status, await response.text());
  if (error.status === 401 && !options.ignoreUnauthorized) notifyUnauthorized();
  throw error;
}

/** Builds an ApiError from a status and a body that may or may not be the API's JSON error. */
export function errorFromResponse(status: number, text: string): ApiError {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown; field?: unknown };
    if (typeof parsed.message === 'string') {
      const code = typeof parsed.error === 'string' ? parsed.error : 'error';
      const field = typeof parsed.field === 'string' ? parsed.field : undefined;
      return new ApiError(status, code, parsed.message, field);
    }
  } catch {
    // Not JSON: a proxy page or plain text, shown below as it is.
  }
  return new ApiError(status, 'http_error', text.trim().slice(0, MAX_PLAIN_ERROR_CHARS) || `HTTP ${status}`);
}
