import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.js';
import { BlobStore } from '../../src/blobs/blob-store.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { defaultPolicySettings } from '../../src/domain/policy-settings.js';
import { createPgNotifyHub, type PgNotifyTarget } from '../../src/push/pg-notify-hub.js';
import { notifyConfigChanged } from '../../src/services/agent/notify.js';
import { dialectOf, migrateToLatest, openDatabase, pgliteOf, type Db } from '../../src/store/database.js';
import { createStore } from '../../src/store/store.js';
import { enrol, get, seedPolicy, seedToken, sync } from '../agent-api/helpers.js';
import { createTestSchema, TEST_DATABASE_URL } from '../support/postgres.js';
import { TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

// Two Outpost processes on one PostgreSQL database, as behind a load
// balancer: a phone long-polls one of them while the change that concerns it
// is made and signalled through the other. They run on a PostgreSQL server
// when OUTPOST_TEST_DATABASE_URL names one, and on in-process PGlite always.

// Longer than the test needs, so that an answered poll can only be a wake-up.
const LONG_POLL_HOLD_SECONDS = '30';
const WAKE_UP_LIMIT_MS = 2_000;

/** The database two processes share, and how each process reaches it. */
interface SharedDatabase {
  /** OUTPOST_DATABASE_URL of the processes. */
  url: string;
  /** Opens the database handle of one process. */
  open(): Db;
  /** Whether a process destroys its handle when it closes. */
  handlePerProcess: boolean;
  /** Returns the LISTEN target of the push hub of a process that uses `db`. */
  listenTarget(db: Db): PgNotifyTarget;
  /** Drops what the test created. */
  dispose(): Promise<void>;
}

interface Backend {
  name: string;
  create(): Promise<SharedDatabase>;
}

/** Returns a backend with a fresh schema on the server. Each process opens its own pool and LISTEN connection. */
function serverBackend(serverUrl: string): Backend {
  return {
    name: 'a PostgreSQL server',
    async create() {
      const schema = await createTestSchema(serverUrl);
      return {
        url: schema.url,
        open: () => openDatabase(schema.url),
        handlePerProcess: true,
        listenTarget: () => ({ databaseUrl: schema.url }),
        dispose: () => schema.drop(),
      };
    },
  };
}

/**
 * Returns a backend on in-process PGlite. The processes share one instance
 * through one Kysely handle, whose driver runs one query or transaction at a
 * time, so their migrations take turns instead of racing. NOTIFY from either
 * process's queries reaches the LISTENs of both.
 */
function pgliteBackend(): Backend {
  return {
    name: 'PGlite',
    async create() {
      const url = 'pglite://memory';
      const db = openDatabase(url);
      const pglite = pgliteOf(db);
      if (!pglite) throw new Error('openDatabase did not remember the PGlite instance of a pglite:// database');
      return {
        url,
        open: () => db,
        handlePerProcess: false,
        listenTarget: () => ({ pglite }),
        dispose: () => db.destroy(),
      };
    },
  };
}

/**
 * Starts one Outpost process as startServer does, but with the PostgreSQL
 * push hub, which startServer does not create yet.
 */
async function startProcess(database: SharedDatabase, channel: string): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-multi-'));
  const env = {
    OUTPOST_DATABASE_URL: database.url,
    OUTPOST_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    OUTPOST_LONG_POLL_HOLD_SECONDS: LONG_POLL_HOLD_SECONDS,
  };
  const config = loadConfig({ host: '127.0.0.1', port: 0, dataDir, publicUrl: 'http://127.0.0.1:1' }, env);
  const logger = pino({ level: 'error' });

  const db = database.open();
  await migrateToLatest(db);
  const push = await createPgNotifyHub({ ...database.listenTarget(db), db, logger, channel });
  const ctx: AppContext = {
    config,
    logger,
    store: createStore(db),
    blobs: new BlobStore(path.join(dataDir, 'blobs')),
    push,
    now: Date.now,
  };

  const app = await buildApp(ctx);
  await app.listen({ host: config.host, port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const listenUrl = `http://127.0.0.1:${port}`;
  ctx.config.publicUrl = new URL(listenUrl);

  const close = async () => {
    await push.close();
    await app.close();
    if (database.handlePerProcess) await db.destroy();
  };
  return {
    app,
    ctx,
    listenUrl,
    dataDir,
    close,
    async dispose() {
      await close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Lets pushes in flight arrive, then takes what both processes queued for
 * the phone. Every process queues a push for phones without a poll open
 * there, so without this a poll could be answered by a previous test's push.
 */
async function drainQueuedPushes(servers: TestServer[], deviceId: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const server of servers) await server.ctx.push.waitForMessages(deviceId, 0, new AbortController().signal);
}

const serverUrl = TEST_DATABASE_URL;
const backends: Backend[] = [pgliteBackend(), ...(serverUrl ? [serverBackend(serverUrl)] : [])];

describe.each(backends)('two Outpost processes on one database on $name', (backend) => {
  let database: SharedDatabase;
  let serverA: TestServer;
  let serverB: TestServer;
  let policyId: string;

  beforeAll(async () => {
    database = await backend.create();
    // Its own channel, so that parallel runs on one server never wake each other's phones.
    const channel = `outpost_push_test_${randomBytes(6).toString('hex')}`;
    // Both start at once on an empty schema, so their migrations race as they would in a deployment.
    [serverA, serverB] = await Promise.all([startProcess(database, channel), startProcess(database, channel)]);

    policyId = await seedPolicy(serverA.ctx, { settings: { title: 'Before' } });
    const tokenId = await seedToken(serverA.ctx, { policyId });
    const enrolled = await enrol(serverA, 'phone-multi', tokenId);
    expect(enrolled.status).toBe(200);
  });

  afterAll(async () => {
    await serverA?.dispose();
    await serverB?.dispose();
    await database?.dispose();
  });

  it('share one PostgreSQL schema', async () => {
    expect(dialectOf(serverA.ctx.store.db)).toBe('postgres');
    expect((await serverB.ctx.store.devices.findByDeviceId('phone-multi'))?.policy_id).toBe(policyId);
  });

  beforeEach(async () => {
    await drainQueuedPushes([serverA, serverB], 'phone-multi');
  });

  it('wake a phone polling B for a change signalled through A', async () => {
    const started = Date.now();
    const poll = get(serverB, '/rest/notification/polling/phone-multi');
    await waitUntil(() => serverB.ctx.push.openPollCount() === 1, WAKE_UP_LIMIT_MS, 'server B holds the poll');

    const settings = { ...defaultPolicySettings(), title: 'After' };
    await serverA.ctx.store.policies.save(
      { id: policyId, name: `policy-${policyId}`, description: '', settingsJson: JSON.stringify(settings) },
      [],
      'test',
    );
    const signalledAt = Date.now();
    notifyConfigChanged(serverA.ctx, ['phone-multi']);
    const response = await poll;

    expect(response.status).toBe(200);
    expect(response.json.data).toEqual([{ messageType: 'configUpdated', payload: null }]);
    expect(Date.now() - signalledAt).toBeLessThan(WAKE_UP_LIMIT_MS);
    expect(Date.now() - started).toBeLessThan(Number(LONG_POLL_HOLD_SECONDS) * 1000);

    const configuration = await sync(serverB, 'phone-multi');
    expect(configuration.json.data.title).toBe('After');
  });

  it('wake a phone polling A for a change signalled through A', async () => {
    const poll = get(serverA, '/rest/notification/polling/phone-multi');
    await waitUntil(() => serverA.ctx.push.openPollCount() === 1, WAKE_UP_LIMIT_MS, 'server A holds the poll');

    const signalledAt = Date.now();
    notifyConfigChanged(serverA.ctx, ['phone-multi']);
    const response = await poll;

    expect(response.json.data).toEqual([{ messageType: 'configUpdated', payload: null }]);
    expect(Date.now() - signalledAt).toBeLessThan(WAKE_UP_LIMIT_MS);
  });

  it('leave a phone polling B asleep for another phone', async () => {
    const poll = get(serverB, '/rest/notification/polling/phone-multi');
    await waitUntil(() => serverB.ctx.push.openPollCount() === 1, WAKE_UP_LIMIT_MS, 'server B holds the poll');

    notifyConfigChanged(serverA.ctx, ['phone-other']);
    const sleep = new Promise<'asleep'>((resolve) => setTimeout(() => resolve('asleep'), 1_000));
    const state = await Promise.race([poll.then(() => 'answered' as const), sleep]);

    expect(state).toBe('asleep');
    // Ends the held poll, so that the servers close at once.
    notifyConfigChanged(serverA.ctx, ['phone-multi']);
    expect((await poll).json.data).toEqual([{ messageType: 'configUpdated', payload: null }]);
  });
});
