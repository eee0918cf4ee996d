import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { routePrefix } from '../config.js';
import type { AppContext } from '../context.js';
import { metricsFor } from './registry.js';

const CONFIG_ROUTE = '/rest/public/sync/configuration/*';

/**
 * Counts agent requests in one onResponse hook and serves GET /metrics
 * (and under the project path). Call it before the agent routes are
 * registered, so the hook covers them.
 *
 * Access: with OUTPOST_METRICS_TOKEN set, a request needs
 * `Authorization: Bearer <token>`; without it, only clients on the loopback
 * address may scrape. The client address is the one fastify derives with
 * OUTPOST_TRUST_PROXY, so behind nginx it is the real client, not nginx.
 */
export function registerMetrics(app: FastifyInstance, ctx: AppContext): void {
  const metrics = metricsFor(ctx);
  const prefix = routePrefix(ctx.config);
  const agentRoot = `${prefix}/rest/`;

  app.addHook('onResponse', async (request, reply) => {
    const pattern = request.routeOptions.url;
    const isAgentRoute = pattern !== undefined ? pattern.startsWith(agentRoot) : request.url.startsWith(agentRoot);
    if (!isAgentRoute) return;

    // Unmatched paths share one label, so random URLs cannot create series.
    const route = pattern === undefined ? 'unmatched' : pattern.slice(prefix.length);
    const method = request.method;
    metrics.agentRequests.inc({ route, method, status: String(reply.statusCode) });
    metrics.agentRequestSeconds.observe({ route, method }, reply.elapsedTime / 1000);
    if (route === CONFIG_ROUTE && reply.statusCode === 200) metrics.configSyncs.inc({ kind: method === 'POST' ? 'enrol' : 'sync' });
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const denial = accessDenial(request, ctx.config.metricsToken);
    if (denial) {
      if (denial.status === 401) void reply.header('www-authenticate', 'Bearer realm="outpost-metrics"');
      return reply.code(denial.status).send({ error: denial.error, message: denial.message });
    }
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  };
  app.get('/metrics', handler);
  if (prefix !== '') app.get(`${prefix}/metrics`, handler);
}

interface Denial {
  status: 401 | 403;
  error: string;
  message: string;
}

function accessDenial(request: FastifyRequest, token: string | null): Denial | null {
  if (token === null) {
    if (isLoopback(request.ip)) return null;
    return {
      status: 403,
      error: 'forbidden',
      message: 'Metrics are served to loopback clients only. Set OUTPOST_METRICS_TOKEN to scrape from another host.',
    };
  }

  const header = request.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  if (presented !== '' && sameSecret(presented, token)) return null;
  return { status: 401, error: 'unauthorized', message: 'Missing or invalid bearer token: send Authorization: Bearer <OUTPOST_METRICS_TOKEN>.' };
}

/** Compares digests in constant time, so the response time reveals nothing of the token. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
