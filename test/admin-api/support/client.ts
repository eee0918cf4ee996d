import { routePrefix } from '../../../src/config.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../../support/server.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or null for an empty or non-JSON body. */
  body: any;
  bytes: Buffer;
}

export interface RequestOptions {
  json?: unknown;
  /** Raw body; sent as-is with `contentType`. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Leaves out the X-CSRF-Token header. */
  noCsrf?: boolean;
}

/** A console session against a test server: keeps the session cookie and CSRF token. */
export class ApiClient {
  cookie: string | null = null;
  csrfToken: string | null = null;
  username: string | null = null;

  constructor(readonly server: TestServer) {}

  get apiBase(): string {
    return `${this.server.listenUrl}${routePrefix(this.server.ctx.config)}/api`;
  }

  async login(username: string, password: string): Promise<ApiResponse> {
    const response = await this.request('POST', '/v1/auth/login', { json: { username, password } });
    if (response.status === 200) {
      this.csrfToken = response.body.csrfToken;
      this.username = response.body.user.username;
      const setCookie = response.headers.get('set-cookie') ?? '';
      this.cookie = setCookie.split(';')[0] ?? null;
    }
    return response;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && !options.noCsrf && method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = this.csrfToken;

    let body: string | Buffer | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType) headers['content-type'] = options.contentType;
    }

    const response = await fetch(`${this.apiBase}${path}`, { method, headers, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    let parsed: unknown = null;
    if ((response.headers.get('content-type') ?? '').includes('json') && bytes.length > 0) {
      parsed = JSON.parse(bytes.toString('utf8'));
    }
    return { status: response.status, headers: response.headers, body: parsed, bytes };
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }

  post(path: string, json?: unknown, options?: RequestOptions) {
    return this.request('POST', path, { ...options, json });
  }

  put(path: string, json?: unknown) {
    return this.request('PUT', path, { json });
  }

  patch(path: string, json?: unknown) {
    return this.request('PATCH', path, { json });
  }

  delete(path: string) {
    return this.request('DELETE', path);
  }
}

/** Login attempts per minute for tests that sign in many times; the rate-limit test sets its own. */
export const RELAXED_LOGIN_LIMIT = { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '1000' };

export async function startApiServer(options: { publicUrl?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  return startTestServer({ ...options, env: { ...RELAXED_LOGIN_LIMIT, ...options.env } });
}

export async function signInAsAdmin(server: TestServer): Promise<ApiClient> {
  const client = new ApiClient(server);
  const response = await client.login('admin', TEST_ADMIN_PASSWORD);
  if (response.status !== 200) throw new Error(`admin login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return client;
}

/** Creates a user with `role` through the API and returns a client signed in as that user. */
export async function signInWithRole(server: TestServer, admin: ApiClient, role: 'admin' | 'operator' | 'viewer'): Promise<ApiClient> {
  const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
  const password = `${role}-password-1234`;
  const created = await admin.post('/v1/users', { username, password, role });
  if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${JSON.stringify(created.body)}`);

  const client = new ApiClient(server);
  const response = await client.login(username, password);
  if (response.status !== 200) throw new Error(`${role} login failed: ${response.status}`);
  return client;
}
