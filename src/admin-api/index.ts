import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';

/** Registers /api/v1 and /api/docs. */
export async function registerAdminApi(_app: FastifyInstance, _ctx: AppContext): Promise<void> {
  // Filled in by the admin-api module.
}
