import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';
import { registerConfigRoutes } from './config-routes.js';
import { registerDeviceLogRoutes } from './devicelog-routes.js';
import { registerDownloadRoute } from './download-route.js';
import { registerInfoRoute } from './info-route.js';
import { registerPollingRoutes } from './polling-routes.js';
import { registerAgentRateLimits } from './rate-limit.js';
import { RequestSignatureCheck } from './request-signature.js';
import { registerResetRoutes } from './reset-routes.js';
import { UnknownDeviceLog } from './unknown-device-log.js';
import { strictValidatorCompiler } from './validation.js';

/**
 * Registers the routes the Android agent calls, under the project prefix:
 * `/rest/...` for the protocol and `/files/...` for APK downloads.
 */
export async function registerAgentApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Errors reach the app's shared handler, inherited by this scope: bad
  // input gets a 4xx naming the problem, and only server faults become a 500.
  app.setValidatorCompiler(strictValidatorCompiler);

  const unknownDevices = new UnknownDeviceLog(ctx.logger, ctx.now);
  const signatures = new RequestSignatureCheck(ctx);

  // The /rest routes share a child scope with the rate limits. Downloads
  // stay outside it, because a phone on a poor link resumes one APK with
  // many Range requests.
  await app.register(async (limited) => {
    await registerAgentRateLimits(limited, ctx);
    registerConfigRoutes(limited, ctx, unknownDevices, signatures);
    registerInfoRoute(limited, ctx, unknownDevices);
    registerPollingRoutes(limited, ctx, unknownDevices, signatures);
    registerDeviceLogRoutes(limited, ctx, unknownDevices);
    registerResetRoutes(limited, ctx, unknownDevices);
  });
  registerDownloadRoute(app, ctx);
}
