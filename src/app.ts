import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';

import { registerAdminApi } from './admin-api/index.js';
import { registerAgentApi } from './agent-api/index.js';
import { routePrefix } from './config.js';
import { registerConsole } from './console-static.js';
import type { AppContext } from './context.js';

/** Directory of the built console, relative to the compiled or source file. */
export const CONSOLE_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/console');

/** Builds the HTTP app: health, agent protocol, admin API and console under the project path. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Request lines would log every heartbeat; errors are logged by the handler.
    disableRequestLogging: true,
    bodyLimit: ctx.config.agentBodyLimitBytes,
    trustProxy: true,
    // Long polls are held for minutes; the socket must outlive the hold.
    requestTimeout: 0,
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
  });

  app.setErrorHandler(handleError);
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
  await app.register(async (scope) => registerConsole(scope, ctx, CONSOLE_DIST_DIR), { prefix });
  return app;
}

/** Maps framework errors to a 4xx with the reason; anything else is a logged 500. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error.validation) {
    const first = error.validation[0];
    const field = first ? `${error.validationContext ?? 'body'}${first.instancePath.replace(/\//g, '.')}` : undefined;
    return reply.code(400).send({
      error: 'invalid_request',
      message: `Invalid ${field ?? 'request'}: ${first?.message ?? error.message}.`,
      field,
    });
  }

  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ error: error.code ?? 'bad_request', message: clientMessage(error, status) });
  }

  request.log.error({ err: error, url: request.url }, 'request failed');
  return reply.code(500).send({ error: 'internal', message: 'Internal error; the server log has the details.' });
}

function clientMessage(error: FastifyError, status: number): string {
  if (status === 413) return `The request body is larger than this route accepts (${error.message}).`;
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return `${error.message}. Send the body with a supported Content-Type.`;
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The JSON body is empty; send a JSON object.';
  if (error instanceof SyntaxError) return `The body is not valid JSON: ${error.message}.`;
  return error.message;
}
