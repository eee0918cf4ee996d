import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { sql } from 'kysely';

import { registerAdminApi } from './admin-api/index.js';
import { registerAgentApi } from './agent-api/index.js';
import { routePrefix } from './config.js';
import { registerConsole } from './console-static.js';
import type { AppContext } from './context.js';
import { handleError, handleFrameworkError } from './http-errors.js';
import { registerMetrics } from './metrics/index.js';
import { LogThrottle } from './push/mqtt/log-throttle.js';
import { registerSecurityHeaders } from './security-headers.js';
import { databaseErrorFields } from './store/database-errors.js';

/** Directory of the built console, found from the repository root so source and compiled runs agree. */
export const CONSOLE_DIST_DIR = path.join(findPackageRoot(path.dirname(fileURLToPath(import.meta.url))), 'dist/console');

function findPackageRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Builds the HTTP app: health, agent protocol, admin API and console under the project path. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Request lines would log every heartbeat; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: ctx.config.agentBodyLimitBytes,
    trustProxy: ctx.config.trustProxy,
    // Long polls are held for minutes; the socket must outlive the hold.
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    frameworkErrors: handleFrameworkError,
  });

  app.setErrorHandler(handleError);
  registerSecurityHeaders(app, ctx.config);
  // Before the agent routes, so its request hook covers them.
  registerMetrics(app, ctx);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url}.` });
  });

  let ready = false;
  app.addHook('onReady', async () => {
    ready = true;
  });
  const health = async () => ({ status: ready ? 'ok' : 'starting', openLongPolls: ctx.push.openPollCount() });
  app.get('/healthz', health);

  // Probes repeat every few seconds, so a failing database is logged once a minute.
  const readinessLog = new LogThrottle(ctx.logger, 60_000, ctx.now);
  const readiness = async (_request: unknown, reply: FastifyReply) => checkReadiness(ctx, readinessLog, reply);
  app.get('/readyz', readiness);

  const prefix = routePrefix(ctx.config);
  if (prefix !== '') {
    app.get(`${prefix}/healthz`, health);
    app.get(`${prefix}/readyz`, readiness);
  }

  await app.register(async (scope) => registerAgentApi(scope, ctx), { prefix });
  await app.register(async (scope) => registerAdminApi(scope, ctx), { prefix: `${prefix}/api` });
  await app.register(async (scope) => registerConsole(scope, ctx, CONSOLE_DIST_DIR, prefix), { prefix });
  return app;
}

// A load balancer probes often and gives up after a few seconds, so a
// database that hangs must fail the probe rather than hold it.
const READINESS_TIMEOUT_MS = 2_000;

/**
 * Sends 200 when the database runs a trivial query, else 503 with the
 * reason. Unlike /healthz, which only shows that the process is up, this
 * shows a load balancer whether requests can be served.
 */
async function checkReadiness(ctx: AppContext, log: LogThrottle, reply: FastifyReply) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`database query timed out after ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });

  try {
    await Promise.race([sql`select 1`.execute(ctx.store.db), timeout]);
    return { status: 'ready' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.warn('database', databaseErrorFields(error), 'readiness check failed: database unavailable');
    return reply.code(503).send({ status: 'unavailable', reason: `Database check failed: ${reason}` });
  } finally {
    clearTimeout(timer);
  }
}
