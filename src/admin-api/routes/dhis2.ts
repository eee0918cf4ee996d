import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../../context.js';
import { registerDhis2ApkRoutes } from './dhis2-apk.js';
import { registerDhis2AttentionRoutes } from './dhis2-attention.js';
import { registerDhis2ConnectionRoutes } from './dhis2-connection.js';
import { registerDhis2SyncRoutes } from './dhis2-sync.js';

/** Registers every /dhis2 route: connection, sync, attention list and APK distribution. */
export function registerDhis2Routes(app: FastifyInstance, ctx: AppContext): void {
  registerDhis2ConnectionRoutes(app, ctx);
  registerDhis2SyncRoutes(app, ctx);
  registerDhis2AttentionRoutes(app, ctx);
  registerDhis2ApkRoutes(app, ctx);
}
