// Child process running one Outpost server for a benchmark, so the load
// generator in the parent never shares its event loop. The parent passes
// the data folder in BENCH_DATA_DIR, optionally the URL phones use in
// BENCH_PUBLIC_URL, and any OUTPOST_* setting in the environment.

import pino from 'pino';

import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { announceFailure, announceReady, serveParent } from '../lib/child-ipc.js';
import { measureOwnMemory } from '../lib/process-memory.js';
import type { OutpostReady } from './server-info.js';

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR;
  if (!dataDir) throw new Error('BENCH_DATA_DIR is missing: set it to the seeded data folder.');

  const publicUrl = process.env.BENCH_PUBLIC_URL;
  const config = loadConfig({ host: '127.0.0.1', port: 0, dataDir, publicUrl: publicUrl ?? 'http://127.0.0.1:1' }, process.env);
  const server: RunningServer = await startServer(config, pino({ level: process.env.OUTPOST_LOG_LEVEL ?? 'error' }));
  // Without a public URL, app URLs in configurations use the listen address,
  // which is known only after listening.
  if (!publicUrl) server.ctx.config.publicUrl = new URL(server.listenUrl);

  serveParent(
    {
      memory: () => ({ ...measureOwnMemory(), openLongPolls: server.ctx.push.openPollCount() }),
      openLongPolls: () => server.ctx.push.openPollCount(),
    },
    () => server.close(),
  );
  const push = server.ctx.push as { embeddedBrokerPort?: number | null };
  announceReady({
    url: server.listenUrl,
    pid: process.pid,
    longPollHoldSeconds: config.longPollHoldSeconds,
    mqttPort: push.embeddedBrokerPort ?? null,
  } satisfies OutpostReady);
}

main().catch((error: unknown) => {
  announceFailure(error);
  process.exit(1);
});
