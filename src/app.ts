import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';

import { registerAdminApi } from './admin-api/index.js';
import { registerAgentApi } from './agent-api/index.js';
import { routePrefix } from './config.js';
import { registerConsole } from './console-static.js';
import type { AppContext } from './context.js';
import { handleError, handleFrameworkError } from './http-errors.js';
import { registerSecurityHeaders } from './security-headers.js';

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
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url}.` });
  });

  let ready = false;
  app.addHook('onReady', async () => {
    ready = true;
  });
  const health = async () => ({ status: ready ? 'ok' : 'starting', openLongPolls: ctx.push.openPollCount() });
  app.get('/healthz', health);

  const prefix = routePrefix(ctx.config);
  if (prefix !== '') app.get(`${prefix}/healthz`, health);

  await app.register(async (scope) => registerAgentApi(scope, ctx), { prefix });
  await app.register(async (scope) => registerAdminApi(scope, ctx), { prefix: `${prefix}/api` });
  await app.register(async (scope) => registerConsole(scope, ctx, CONSOLE_DIST_DIR, prefix), { prefix });
  return app;
}
