import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';
import { registerConfigRoutes } from './config-routes.js';
import { registerDeviceLogRoutes } from './devicelog-routes.js';
import { registerDownloadRoute } from './download-route.js';
import { registerInfoRoute } from './info-route.js';
import { registerPollingRoutes } from './polling-routes.js';
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
  registerConfigRoutes(app, ctx, unknownDevices);
  registerInfoRoute(app, ctx, unknownDevices);
  registerPollingRoutes(app, ctx, unknownDevices);
  registerDeviceLogRoutes(app, ctx, unknownDevices);
  registerResetRoutes(app, ctx, unknownDevices);
  registerDownloadRoute(app, ctx);
}
