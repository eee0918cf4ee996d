import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../context.js';

/** Registers the agent protocol routes under `{project}/rest`. */
export async function registerAgentApi(_app: FastifyInstance, _ctx: AppContext): Promise<void> {
  // Filled in by the agent-api module.
}
