// Child process running the ceiling: a Fastify app with nothing but one JSON
// route, measured beside Outpost in the same run with the same client.

import Fastify from 'fastify';

import { announceFailure, announceReady, serveParent } from '../lib/child-ipc.js';
import { CEILING_PATHS, type ServerReady } from './server-info.js';

// The same envelope Outpost sends for a device report, so that both sides
// serialise a body of the same shape.
const REPLY = { status: 'OK', message: null, data: null };

async function main(): Promise<void> {
  // Outpost's agent routes accept bodies of 1 MB; the ceiling takes the same limit.
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  app.get(CEILING_PATHS.get, async () => REPLY);
  // Fastify parses the JSON body before the handler runs, as it does for Outpost.
  app.post(CEILING_PATHS.post, async () => REPLY);

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  serveParent({}, () => app.close());
  announceReady({ url, pid: process.pid } satisfies ServerReady);
}

main().catch((error: unknown) => {
  announceFailure(error);
  process.exit(1);
});
