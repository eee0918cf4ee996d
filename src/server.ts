import path from 'node:path';

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { buildApp } from './app.js';
import { BlobStore } from './blobs/blob-store.js';
import { configWarnings, type OutpostConfig } from './config.js';
import type { AppContext } from './context.js';
import { ensureFirstAdmin } from './auth/first-admin.js';
import { serverJobs } from './jobs/index.js';
import { JobScheduler } from './jobs/scheduler.js';
import { instrumentJobs, metricsFor } from './metrics/index.js';
import { createPushHub } from './push/composite-hub.js';
import { createPgNotifyHub } from './push/pg-notify-hub.js';
import { stopDhis2Syncs } from './services/admin/dhis2-sync.js';
import { isPostgresUrl, migrateToLatest, openDatabase } from './store/database.js';
import { createStore } from './store/store.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  /** Base URL the server listens on, e.g. http://127.0.0.1:41234. */
  listenUrl: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Prints the first admin's generated password; the CLI passes console output. */
  announce?: (line: string) => void;
  now?: () => number;
}

/** Opens storage, applies migrations, builds the app and listens. */
export async function startServer(config: OutpostConfig, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  for (const warning of configWarnings(config)) logger.warn(warning);
  const db = openDatabase(config.databaseUrl, { logger });
  const migration = await migrateToLatest(db);
  if (migration.applied.length > 0) logger.info({ migrations: migration.applied }, 'migrations applied');

  const blobs = new BlobStore(path.join(config.dataDir, 'blobs'));
  const leftovers = await blobs.removeLeftovers();
  if (leftovers > 0) logger.warn({ files: leftovers }, 'removed unfinished uploads from an earlier run');

  // On PostgreSQL, several processes may serve the phones, so wake-ups
  // travel through LISTEN/NOTIFY to the process that has each poll open.
  const longPoll = isPostgresUrl(config.databaseUrl)
    ? await createPgNotifyHub({ databaseUrl: config.databaseUrl, db, logger })
    : undefined;
  const push = await createPushHub({
    mqtt: config.mqtt,
    agentSecret: config.agentSecret,
    logger,
    publicHost: config.publicUrl.hostname,
    longPoll,
  });
  const ctx: AppContext = {
    config,
    logger,
    store: createStore(db),
    blobs,
    push,
    now: options.now ?? Date.now,
  };

  const scheduler = new JobScheduler({ store: ctx.store, logger, jobs: instrumentJobs(serverJobs(ctx), metricsFor(ctx)), now: () => ctx.now() });
  let app: FastifyInstance;
  try {
    await ensureFirstAdmin(ctx, options.announce ?? (() => {}));
    app = await buildApp(ctx);
    await app.listen({ host: config.host, port: config.port });
    scheduler.start();
  } catch (error) {
    // An open MQTT broker or database would keep the process alive after a failed start.
    await push.close();
    await db.destroy();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const listenUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ listen: listenUrl, publicUrl: config.publicUrl.href, project: config.projectPath }, 'outpost started');

  let closed = false;
  return {
    app,
    ctx,
    listenUrl,
    async close() {
      if (closed) return;
      closed = true;
      await scheduler.stop();
      await stopDhis2Syncs(ctx);
      await push.close();
      await app.close();
      await db.destroy();
      logger.info('outpost stopped');
    },
  };
}
