import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';

import { BlobStore } from '../../../../src/blobs/blob-store.js';
import { loadConfig } from '../../../../src/config.js';
import type { AppContext } from '../../../../src/context.js';
import type { PushHub, PushMessage } from '../../../../src/push/push-hub.js';
import { migrateToLatest, openDatabase } from '../../../../src/store/database.js';
import { createStore } from '../../../../src/store/store.js';

export interface ServiceContext extends AppContext {
  pushes: Array<{ deviceIds: string[]; message: PushMessage }>;
  dispose(): Promise<void>;
}

/** Creates a context over an in-memory SQLite database, for calling services without HTTP. */
export async function createServiceContext(publicUrl = 'https://mdm.example.org/outpost'): Promise<ServiceContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-service-'));
  const db = openDatabase(':memory:');
  await migrateToLatest(db);

  const pushes: ServiceContext['pushes'] = [];
  const push: PushHub = {
    notify: (deviceIds, message) => {
      pushes.push({ deviceIds: [...deviceIds], message });
    },
    waitForMessages: async () => [],
    openPollCount: () => 0,
    close: () => {},
  };

  return {
    config: loadConfig({ dataDir, publicUrl, port: 0 }, {}),
    logger: pino({ level: 'silent' }),
    store: createStore(db),
    blobs: new BlobStore(path.join(dataDir, 'blobs')),
    push,
    now: Date.now,
    pushes,
    async dispose() {
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Returns a context that throws on any use. Passing it with a caller who
 * lacks the role shows that the service checks the role before anything else.
 */
export function untouchableContext(): AppContext {
  return new Proxy({} as AppContext, {
    get(_target, property) {
      throw new Error(`the service used ctx.${String(property)} before checking the role`);
    },
  });
}
