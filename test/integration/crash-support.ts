// Outpost servers in child processes that a test can kill with SIGKILL and
// start again on the same data directory and database, as after a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createTestSchema, TEST_DATABASE_URL } from '../support/postgres.js';
import { TEST_ADMIN_PASSWORD } from '../support/server.js';

// The test command builds first, so dist contains the current CLI.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/cli.js');
const START_TIMEOUT_MS = 30_000;

/** A database that outlives the server processes of one test. */
export interface CrashDatabase {
  name: string;
  /** OUTPOST_DATABASE_URL, or null for the SQLite file in the data directory. */
  url: string | null;
  dispose(): Promise<void>;
}

/** SQLite always, and PostgreSQL when OUTPOST_TEST_DATABASE_URL names a server. */
export function crashDatabases(): Array<{ name: string; create(): Promise<CrashDatabase> }> {
  const sqlite = { name: 'SQLite', create: async (): Promise<CrashDatabase> => ({ name: 'SQLite', url: null, dispose: async () => {} }) };
  const serverUrl = TEST_DATABASE_URL;
  if (!serverUrl) return [sqlite];

  const postgres = {
    name: 'PostgreSQL',
    async create(): Promise<CrashDatabase> {
      const schema = await createTestSchema(serverUrl);
      return { name: 'PostgreSQL', url: schema.url, dispose: () => schema.drop() };
    },
  };
  return [sqlite, postgres];
}

/** One Outpost process; `kill` ends it with SIGKILL, so nothing is flushed or closed. */
export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  kill(): Promise<void>;
  /** Ends the process with SIGTERM, as an operator stops it. */
  stop(): Promise<void>;
}

/** A data directory and port that servers are started on again and again. */
export class CrashSite {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-crash-'));

  private constructor(
    readonly port: number,
    readonly database: CrashDatabase,
    private readonly env: Record<string, string>,
  ) {}

  static async create(database: CrashDatabase, env: Record<string, string> = {}): Promise<CrashSite> {
    return new CrashSite(await freePort(), database, env);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts `outpost serve` and resolves once /readyz returns 200. */
  async start(): Promise<ChildServer> {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      OUTPOST_HOST: '127.0.0.1',
      OUTPOST_PORT: String(this.port),
      OUTPOST_DATA_DIR: this.dataDir,
      OUTPOST_PUBLIC_URL: this.url,
      OUTPOST_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      OUTPOST_LOG_LEVEL: 'warn',
      OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      ...this.env,
    };
    if (this.database.url) env.OUTPOST_DATABASE_URL = this.database.url;

    const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

    const server: ChildServer = {
      url: this.url,
      process: child,
      stderr: () => stderr,
      async kill() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };

    try {
      await waitUntilReady(this.url, child);
    } catch (error) {
      await server.kill();
      throw new Error(`${error instanceof Error ? error.message : String(error)}; stderr: ${stderr}`);
    }
    return server;
  }

  async dispose(): Promise<void> {
    await this.database.dispose();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`outpost serve exited with status ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`outpost serve was not ready within ${START_TIMEOUT_MS} ms`);
}

/** Returns a TCP port that was free a moment ago, so a restarted server can listen on the same one. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A console session on a child server: the cookie and CSRF token of the first admin. */
export interface AdminSession {
  cookie: string;
  csrfToken: string;
}

export async function signIn(url: string): Promise<AdminSession> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login failed: HTTP ${response.status} ${await response.text()}`);

  const body = (await response.json()) as { csrfToken: string };
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('outpost_session='));
  if (!cookie) throw new Error('login set no outpost_session cookie');
  return { cookie: cookie.split(';')[0] ?? '', csrfToken: body.csrfToken };
}

/** Sends an admin API request and returns the status and parsed JSON body. */
export async function adminRequest(
  url: string,
  session: AdminSession,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof Uint8Array) {
    headers['content-type'] = 'application/vnd.android.package-archive';
    payload = new Blob([new Uint8Array(body)]);
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }

  const response = await fetch(`${url}/api/v1${apiPath}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}
