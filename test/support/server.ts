import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';

import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';

export const TEST_ADMIN_PASSWORD = 'test-admin-password';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Removes the server's data directory after closing it. */
  dispose(): Promise<void>;
}

/**
 * Starts Outpost on a random loopback port with a fresh SQLite data
 * directory. `env` adds OUTPOST_* settings, e.g. a public URL.
 */
export async function startTestServer(options: { publicUrl?: string; env?: Record<string, string>; port?: number } = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-test-'));
  const env = {
    OUTPOST_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    OUTPOST_LOG_LEVEL: 'warn',
    // Browser tests must never fetch map tiles from the internet. Port 9
    // (discard) on loopback refuses the connection at once; a test that
    // checks tiles starts its own tile server and sets this itself.
    OUTPOST_MAP_TILE_URL: 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png',
    ...options.env,
  };
  const config = loadConfig({ host: '127.0.0.1', port: options.port ?? 0, dataDir, publicUrl: options.publicUrl ?? 'http://127.0.0.1:1' }, env);
  const server = await startServer(config, pino({ level: env.OUTPOST_LOG_LEVEL }));

  // With port 0 the public URL is known only after listening; tests that do
  // not pass one get the real listen address.
  if (!options.publicUrl) {
    server.ctx.config.publicUrl = new URL(server.listenUrl);
  }

  return {
    ...server,
    dataDir,
    async dispose() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
