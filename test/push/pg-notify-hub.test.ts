import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import pino, { type Logger } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { LongPollHub } from '../../src/push/long-poll-hub.js';
import { createPgNotifyHub, type PgNotifyHub, type PgNotifyTarget } from '../../src/push/pg-notify-hub.js';
import type { PushMessage } from '../../src/push/push-hub.js';
import { openDatabase, pgliteOf, type Db } from '../../src/store/database.js';
import { runAdminQuery, TEST_DATABASE_URL } from '../support/postgres.js';

const CONFIG_UPDATED: PushMessage = { messageType: 'configUpdated' };
// Well above a NOTIFY round trip on loopback, well below the agent's hold.
const WAKE_UP_LIMIT_MS = 2_000;
// Nothing listens on port 1 of the loopback address, so connections to it are refused at once.
const UNREACHABLE_URL = 'postgres://postgres@127.0.0.1:1/test';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** A long-poll hub that also records every delivery it gets. */
class RecordingHub extends LongPollHub {
  readonly deliveries: Array<{ deviceIds: string[]; message: PushMessage }> = [];

  override notify(deviceIds: readonly string[], message: PushMessage): void {
    this.deliveries.push({ deviceIds: [...deviceIds], message });
    super.notify(deviceIds, message);
  }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with the messages of a poll, and how long it took. */
async function timedPoll(hub: PgNotifyHub, deviceId: string, holdMs = 10_000) {
  const started = Date.now();
  const messages = await hub.waitForMessages(deviceId, holdMs, new AbortController().signal);
  return { messages, elapsedMs: Date.now() - started };
}

const serverUrl = TEST_DATABASE_URL;

/**
 * Database that the hubs of a test share. Each hub is one Outpost process.
 */
interface Backend {
  name: string;
  /** Opens the database a new hub sends NOTIFY through. */
  openDb(): Db;
  /** Opens a database on which every query fails. */
  openBrokenDb(): Promise<Db>;
  /** Returns the LISTEN target of a hub that sends through `db`. */
  listenTarget(db: Db): PgNotifyTarget;
  /** Sends a NOTIFY from outside any hub. */
  sendRaw(channel: string, payload: string): Promise<void>;
  /** Counts the LISTENs on the channel that the database has registered. */
  listenerCount(channel: string): Promise<number>;
  /** Releases what the backend opened for the whole file. */
  dispose(): Promise<void>;
}

/**
 * Returns the backend for a PostgreSQL server. Every hub opens its own pool
 * and its own LISTEN connection, as separate processes would.
 */
function serverBackend(url: string): Backend {
  return {
    name: 'a PostgreSQL server',
    openDb: () => openDatabase(url),
    openBrokenDb: async () => openDatabase(UNREACHABLE_URL),
    listenTarget: () => ({ databaseUrl: url }),
    async sendRaw(channel, payload) {
      await runAdminQuery(url, 'select pg_notify($1, $2)', [channel, payload]);
    },
    async listenerCount(channel) {
      return (await listenerPids(url, channel)).length;
    },
    async dispose() {},
  };
}

/**
 * Returns the backend for in-process PostgreSQL. PGlite is one instance in
 * this process, so the processes share it through one Kysely handle, whose
 * driver runs one query or transaction at a time. A NOTIFY sent by any hub
 * reaches every hub LISTENing on the instance.
 */
function pgliteBackend(): Backend {
  let shared: Db | undefined;
  const broken = new Set<Db>();
  const instance = () => {
    shared ??= openDatabase('pglite://memory');
    return shared;
  };
  const pglite = () => {
    const found = pgliteOf(instance());
    if (!found) throw new Error('openDatabase did not remember the PGlite instance of a pglite:// database');
    return found;
  };
  return {
    name: 'PGlite',
    openDb: instance,
    async openBrokenDb() {
      // PGlite rejects every query once it is closed.
      const db = openDatabase('pglite://memory');
      broken.add(db);
      await pgliteOf(db)?.close();
      return db;
    },
    listenTarget(db) {
      const found = pgliteOf(db);
      // A hub sending through a destroyed database still LISTENs on the shared instance.
      return { pglite: found && !broken.has(db) ? found : pglite() };
    },
    async sendRaw(channel, payload) {
      await pglite().query('select pg_notify($1, $2)', [channel, payload]);
    },
    async listenerCount(channel) {
      const result = await pglite().query<{ channel: string }>('select pg_listening_channels() as channel');
      return result.rows.filter((row) => row.channel === channel).length;
    },
    async dispose() {
      await shared?.destroy();
      shared = undefined;
      broken.clear();
    },
  };
}

/** Process ids of the server connections LISTENing on a channel. */
async function listenerPids(url: string, channel: string): Promise<number[]> {
  const result = await runAdminQuery(
    url,
    "select pid from pg_stat_activity where application_name = 'outpost push listener' and query = $1",
    [`LISTEN "${channel}"`],
  );
  return result.rows.map((row: { pid: number }) => row.pid);
}

interface HubOptions {
  local?: LongPollHub;
  logger?: Logger;
  /** Sends NOTIFY through a database on which every query fails. */
  brokenSend?: boolean;
  initialDelayMs?: number;
}

/** Starts and stops the hubs of one suite, on a fresh channel for each test. */
function hubHarness(backend: Backend) {
  const hubs: PgNotifyHub[] = [];
  const databases = new Set<Db>();
  const state = { channel: '' };

  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((hub) => hub.close()));
    const opened = [...databases];
    databases.clear();
    await Promise.all(opened.map((db) => db.destroy().catch(() => undefined)));
  });

  /** Starts a hub that acts as one Outpost process. */
  async function startHub(options: HubOptions = {}): Promise<PgNotifyHub> {
    const db = options.brokenSend ? await backend.openBrokenDb() : backend.openDb();
    // The PGlite backend hands out one shared handle, which outlives the test.
    if (backend.name !== 'PGlite' || options.brokenSend) databases.add(db);
    const hub = await createPgNotifyHub({
      ...backend.listenTarget(db),
      db,
      logger: options.logger ?? pino({ level: 'silent' }),
      local: options.local,
      channel: state.channel,
      backoff: { initialDelayMs: options.initialDelayMs ?? 50, maxDelayMs: 200 },
    });
    hubs.push(hub);
    return hub;
  }

  // Each test gets its own channel, so parallel runs on one server never wake each other.
  function useFreshChannel(): string {
    state.channel = `outpost_push_test_${randomBytes(6).toString('hex')}`;
    return state.channel;
  }

  return { startHub, useFreshChannel, state, databases };
}

const backends: Backend[] = [pgliteBackend(), ...(serverUrl ? [serverBackend(serverUrl)] : [])];

describe.each(backends)('PgNotifyHub on $name', (backend) => {
  const { startHub, useFreshChannel } = hubHarness(backend);

  afterAll(async () => {
    await backend.dispose();
  });

  it('wakes a poll held by another process', async () => {
    useFreshChannel();
    const sender = await startHub();
    const receiver = await startHub();

    const poll = timedPoll(receiver, 'phone-1');
    sender.notify(['phone-1'], CONFIG_UPDATED);
    const { messages, elapsedMs } = await poll;

    expect(messages).toEqual([CONFIG_UPDATED]);
    expect(elapsedMs).toBeLessThan(WAKE_UP_LIMIT_MS);
  });

  it('wakes a poll held by the sender', async () => {
    useFreshChannel();
    const sender = await startHub();

    const poll = timedPoll(sender, 'phone-1');
    sender.notify(['phone-1'], { messageType: 'runApp', payload: { pkg: 'com.dhis2' } });
    const { messages, elapsedMs } = await poll;

    expect(messages).toEqual([{ messageType: 'runApp', payload: { pkg: 'com.dhis2' } }]);
    expect(elapsedMs).toBeLessThan(WAKE_UP_LIMIT_MS);
  });

  it('delivers a push to one device once per process', async () => {
    useFreshChannel();
    const senderHub = new RecordingHub();
    const receiverHub = new RecordingHub();
    const sender = await startHub({ local: senderHub });
    await startHub({ local: receiverHub });

    sender.notify(['phone-1'], CONFIG_UPDATED);
    await sender.flush();
    await waitUntil(() => senderHub.deliveries.length > 0 && receiverHub.deliveries.length > 0, WAKE_UP_LIMIT_MS, 'both processes got the push');
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(senderHub.deliveries).toEqual([{ deviceIds: ['phone-1'], message: CONFIG_UPDATED }]);
    expect(receiverHub.deliveries).toEqual([{ deviceIds: ['phone-1'], message: CONFIG_UPDATED }]);
  });

  it('splits a push to thousands of devices over several NOTIFYs', async () => {
    useFreshChannel();
    const receiverHub = new RecordingHub();
    const sender = await startHub();
    await startHub({ local: receiverHub });
    const deviceIds = Array.from({ length: 5000 }, (_, index) => `phone-${String(index).padStart(6, '0')}`);

    sender.notify(deviceIds, CONFIG_UPDATED);
    await sender.flush();
    const delivered = () => receiverHub.deliveries.flatMap((delivery) => delivery.deviceIds);
    await waitUntil(() => delivered().length >= deviceIds.length, WAKE_UP_LIMIT_MS, 'every device id arrived');

    expect(receiverHub.deliveries.length).toBeGreaterThan(1);
    expect(delivered()).toEqual(deviceIds);
    expect(receiverHub.deliveries.every((delivery) => delivery.message.messageType === 'configUpdated')).toBe(true);
  });

  it('delivers locally when NOTIFY fails', async () => {
    useFreshChannel();
    const { logger, lines } = capturingLogger();
    const hub = await startHub({ logger, brokenSend: true });

    const poll = timedPoll(hub, 'phone-1');
    hub.notify(['phone-1'], CONFIG_UPDATED);
    const { messages } = await poll;

    expect(messages).toEqual([CONFIG_UPDATED]);
    const logged = lines.find((line) => line.msg === 'push NOTIFY failed; delivering in this process only');
    expect(logged?.devices).toBe(1);
    expect(logged?.messageType).toBe('configUpdated');
    expect(logged?.err).toBeDefined();
  });

  it('ignores payloads that are not pushes', async () => {
    const channel = useFreshChannel();
    const { logger, lines } = capturingLogger();
    const receiverHub = new RecordingHub();
    await startHub({ local: receiverHub, logger });

    await backend.sendRaw(channel, 'not a push');
    await waitUntil(() => lines.some((line) => line.msg.startsWith('ignored a NOTIFY payload')), WAKE_UP_LIMIT_MS, 'the payload was logged');

    expect(receiverHub.deliveries).toEqual([]);
  });

  it('stops listening on close and answers held polls', async () => {
    const channel = useFreshChannel();
    const hub = await startHub();
    expect(await backend.listenerCount(channel)).toBe(1);
    const poll = timedPoll(hub, 'phone-1');

    await hub.close();

    expect((await poll).messages).toEqual([]);
    await waitUntil(async () => (await backend.listenerCount(channel)) === 0, WAKE_UP_LIMIT_MS, 'the LISTEN ended');
  });
});

// Losing the LISTEN connection, or never reaching the server, can only happen
// with a server: PGlite runs in this process and has no connection to lose.
describe.runIf(serverUrl)('PgNotifyHub on the connection to a PostgreSQL server', () => {
  const url = serverUrl!;
  const backend = serverBackend(url);
  const { startHub, useFreshChannel, databases } = hubHarness(backend);

  it('reconnects after the LISTEN connection drops', async () => {
    const channel = useFreshChannel();
    const { logger, lines } = capturingLogger();
    const receiverHub = new RecordingHub();
    await startHub({ local: receiverHub, logger, initialDelayMs: 100 });
    const [pid] = await listenerPids(url, channel);
    expect(pid).toBeDefined();

    await runAdminQuery(url, 'select pg_terminate_backend($1)', [pid]);
    await waitUntil(() => lines.some((line) => line.msg === 'push listener reconnected'), 5_000, 'the listener reconnected');
    const sender = await startHub();
    sender.notify(['phone-after-reconnect'], CONFIG_UPDATED);

    await waitUntil(() => receiverHub.deliveries.length > 0, WAKE_UP_LIMIT_MS, 'the push arrived after the reconnect');
    expect(receiverHub.deliveries[0]?.deviceIds).toEqual(['phone-after-reconnect']);
    const lost = lines.find((line) => line.msg === 'push listener connection lost; reconnecting');
    expect(lost?.level).toBe(40);
    expect(lost?.channel).toBe(channel);
    expect(await listenerPids(url, channel)).not.toContain(pid);
  });

  it('delivers locally while its listener is down', async () => {
    const channel = useFreshChannel();
    const { logger, lines } = capturingLogger();
    const hub = await startHub({ logger, initialDelayMs: 3_000 });
    const [pid] = await listenerPids(url, channel);

    await runAdminQuery(url, 'select pg_terminate_backend($1)', [pid]);
    await waitUntil(() => lines.some((line) => line.msg === 'push listener connection lost; reconnecting'), 5_000, 'the listener noticed the drop');
    const poll = timedPoll(hub, 'phone-1');
    hub.notify(['phone-1'], CONFIG_UPDATED);
    const { messages, elapsedMs } = await poll;

    expect(messages).toEqual([CONFIG_UPDATED]);
    expect(elapsedMs).toBeLessThan(WAKE_UP_LIMIT_MS);
  });

  it('fails to start without a database', async () => {
    const channel = useFreshChannel();
    const db = openDatabase(UNREACHABLE_URL);
    databases.add(db);

    await expect(
      createPgNotifyHub({ databaseUrl: UNREACHABLE_URL, db, logger: pino({ level: 'silent' }), channel }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('PgNotifyHub on a closed PGlite', () => {
  it('fails to start', async () => {
    const db = openDatabase('pglite://memory');
    const pglite = pgliteOf(db);
    expect(pglite).toBeDefined();
    await pglite!.close();

    await expect(
      createPgNotifyHub({ pglite: pglite!, db, logger: pino({ level: 'silent' }), channel: 'outpost_push_closed' }),
    ).rejects.toThrow(/closed/);
  });
});
