import fs from 'node:fs';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

import type { AppContext } from './context.js';

// Console sections; the console routes inside the URL hash (#/devices/abc),
// so a server path naming a section is redirected to the hash route.
const SECTIONS = ['devices', 'apps', 'policies', 'enrolment', 'audit', 'login', 'users'];

/**
 * Serves the built console. `prefix` is the project path ('' or '/name');
 * the caller registers this plugin under that prefix.
 */
export async function registerConsole(
  app: FastifyInstance,
  ctx: AppContext,
  distDir: string,
  prefix: string,
): Promise<void> {
  if (!fs.existsSync(`${distDir}/index.html`)) {
    ctx.logger.warn({ distDir }, 'console not built; run npm run build');
    app.get('/', async (_request, reply) =>
      reply.code(503).type('text/plain').send('The console is not built. Run "npm run build" and restart.'),
    );
    return;
  }

  await app.register(fastifyStatic, { root: distDir, prefix: '/', wildcard: false, index: ['index.html'] });

  // The project path without its trailing slash moves to the console root,
  // where the page's relative asset URLs resolve.
  if (prefix !== '') {
    app.addHook('onRequest', async (request, reply) => {
      const [pathname, query] = request.url.split('?', 2);
      if (pathname === prefix) return reply.redirect(`${prefix}/${query === undefined ? '' : `?${query}`}`);
    });
  }

  for (const section of SECTIONS) {
    const target = section === 'login' || section === 'users' ? '' : section;
    app.get(`/${section}`, async (_request, reply) => reply.redirect(`${prefix}/#/${target}`));
    app.get<{ Params: { '*': string } }>(`/${section}/*`, async (request, reply) =>
      reply.redirect(`${prefix}/#/${target}/${encodeURI(request.params['*'])}`),
    );
  }
}
