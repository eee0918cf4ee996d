import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

import { SESSION_COOKIE } from '../auth/sessions.js';

/**
 * Collects the schema of every route registered after it into an OpenAPI
 * document. Register it before the routes.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Outpost admin API',
        version: '1',
        description:
          'Console and integration API. Sign in with POST /auth/login; send the returned csrfToken ' +
          'in the X-CSRF-Token header of every request other than GET and HEAD. Times are milliseconds since the epoch.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } },
      },
      security: [{ session: [] }],
    },
  });
}

/** Serves the interactive documentation at `/docs` and the document at `/docs/json`. */
export async function registerOpenApiUi(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
