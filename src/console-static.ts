import fs from 'node:fs';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from './context.js';

/** Serves the built console, with index.html for client-side routes. */
export async function registerConsole(app: FastifyInstance, ctx: AppContext, distDir: string): Promise<void> {
  if (!fs.existsSync(`${distDir}/index.html`)) {
    ctx.logger.warn({ distDir }, 'console not built; run npm run build');
    app.get('/', async (_request, reply) =>
      reply.code(503).type('text/plain').send('The console is not built. Run "npm run build" and restart.'),
    );
    return;
  }

  await app.register(fastifyStatic, { root: distDir, prefix: '/', wildcard: false, index: ['index.html'] });
  const indexHtml = fs.readFileSync(`${distDir}/index.html`);
  for (const route of ['/devices*', '/apps*', '/policies*', '/enrolment*', '/audit*', '/login', '/users*']) {
    app.get(route, async (_request, reply) => reply.type('text/html').send(indexHtml));
  }
}
