import { isIP } from 'node:net';

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../context.js';

// The settings count requests per minute.
const RATE_LIMIT_WINDOW_MS = 60_000;
// Device-id keys get a prefix that no IP address starts with, so a device
// id cannot share a counter with an address.
const DEVICE_KEY_PREFIX = 'device:';

/**
 * Tells whether the client address is this machine. Such clients are
 * local processes under the operator's control (probes, the simulator,
 * benchmarks), so they are not limited.
 */
function isLoopback(ip: string): boolean {
  const address = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1';
}

/** Device id a request names: in the path for most routes, in the body for the device report. */
function deviceIdOf(request: FastifyRequest): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  const fromPath = params?.deviceId ?? params?.['*'];
  if (typeof fromPath === 'string' && fromPath !== '') return fromPath;

  const body = request.body as Record<string, unknown> | null | undefined;
  const fromBody = body && typeof body === 'object' ? body.deviceId : undefined;
  return typeof fromBody === 'string' && fromBody !== '' ? fromBody : null;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Builds a hook that counts the request with `limiter` and, over the limit,
 * sets Retry-After and raises a 429 for the shared error handler.
 */
function limitHook(limiter: Limiter, scope: string) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await limiter(request);
    if (result.isAllowed || !result.isExceeded) return;

    reply.header('retry-after', String(result.ttlInSeconds)).header('x-ratelimit-limit', String(result.max));
    throw Object.assign(new Error(`Too many agent requests ${scope}; try again in ${result.ttlInSeconds} s.`), {
      statusCode: 429,
      code: 'too_many_requests',
    });
  };
}

/**
 * Limits agent requests in `app` per client address and per device id.
 * Over either limit the response is 429 with Retry-After, which the agent
 * treats as a network error and retries later. The address limit runs
 * before routing work (onRequest); the device limit runs once the body is
 * parsed (preHandler), because the device report names its device only in
 * the body.
 *
 * NOTE: when a reverse proxy on this machine does not send
 * X-Forwarded-For, every request appears to come from loopback and no
 * limit applies. The nginx block in docs/operations.md sets the header.
 */
export async function registerAgentRateLimits(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // createRateLimit rather than rateLimit hooks: the plugin's hooks mark
  // the request as counted, so a second hook on the same request is skipped.
  await app.register(rateLimit, { global: false });

  const byAddress = app.createRateLimit({
    max: ctx.config.agentRequestsPerMinute,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    // request.ip follows X-Forwarded-For only from OUTPOST_TRUST_PROXY
    // peers, so a client that reaches Outpost directly cannot pick it.
    keyGenerator: (request) => request.ip,
    allowList: (request) => isLoopback(request.ip),
  });
  app.addHook('onRequest', limitHook(byAddress, 'from this address'));

  const byDevice = app.createRateLimit({
    max: ctx.config.agentDeviceRequestsPerMinute,
    timeWindow: RATE_LIMIT_WINDOW_MS,
    keyGenerator: (request) => DEVICE_KEY_PREFIX + (deviceIdOf(request) ?? ''),
    allowList: (request, key) => key === DEVICE_KEY_PREFIX || isLoopback(request.ip),
  });
  app.addHook('preHandler', limitHook(byDevice, 'for this device'));
}
