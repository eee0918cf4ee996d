import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import pino, { type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { LongPollHub } from '../../src/push/long-poll-hub.js';
import { createPgNotifyHub, type PgNotifyHub } from '../../src/push/pg-notify-hub.js';
import type { PushMessage } from '../../src/push/push-hub.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { POSTGRES_REQUIRED_MESSAGE, runAdminQuery, TEST_DATABASE_URL } from '../support/postgres.js';

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

if (!serverUrl) {
  describe('PgNotifyHub', () => {
    it('needs OUTPOST_TEST_DATABASE_URL', () => {
      throw new Error(POSTGRES_REQUIRED_MESSAGE);
    });
  });
} else {
  describe('PgNotifyHub', () => {
    const hubs: PgNotifyHub[] = [];
    const databases: Db[] = [];
    let channel = '';

    /** Starts a hub standing for one Outpost process, with its own pool and LISTEN connection. */
    async function startHub(options: { local?: LongPollHub; logger?: Logger; sendUrl?: string; initialDelayMs?: number } = {}) {
      const db = openDatabase(options.sendUrl ?? serverUrl!);
      databases.push(db);
      const hub = await createPgNotifyHub({
        databaseUrl: serverUrl!,
        db,
        logger: options.logger ?? pino({ level: 'silent' }),
        local: options.local,
        channel,
        backoff: { initialDelayMs: options.initialDelayMs ?? 50, maxDelayMs: 200 },
      });
      hubs.push(hub);
      return hub;
    }

    /** Process ids of the connections LISTENing on this test's channel. */
    async function listenerPids(): Promise<number[]> {
      const result = await runAdminQuery(
        serverUrl!,
        "select pid from pg_stat_activity where application_name = 'outpost push listener' and query = $1",
        [`LISTEN "${channel}"`],
      );
      return result.rows.map((row: { pid: number }) => row.pid);
    }

    afterEach(async () => {
      await Promise.all(hubs.splice(0).map((hub) => hub.close()));
      await Promise.all(databases.splice(0).map((db) => db.destroy()));
    });

    // Each test gets its own channel, so parallel runs on one server never wake each other.
    function useFreshChannel() {
      channel = `outpost_push_test_${randomBytes(6).toString('hex')}`;
    }

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
      const hub = await startHub({ logger, sendUrl: UNREACHABLE_URL });

      const poll = timedPoll(hub, 'phone-1');
      hub.notify(['phone-1'], CONFIG_UPDATED);
      const { messages } = await poll;

      expect(messages).toEqual([CONFIG_UPDATED]);
      const logged = lines.find((line) => line.msg === 'push NOTIFY failed; delivering in this process only');
      expect(logged?.devices).toBe(1);
      expect(logged?.messageType).toBe('configUpdated');
      expect(logged?.err).toBeDefined();
    });

    it('reconnects after the LISTEN connection drops', async () => {
      useFreshChannel();
      const { logger, lines } = capturingLogger();
      const receiverHub = new RecordingHub();
      await startHub({ local: receiverHub, logger, initialDelayMs: 100 });
      const [pid] = await listenerPids();
      expect(pid).toBeDefined();

      await runAdminQuery(serverUrl!, 'select pg_terminate_backend($1)', [pid]);
      await waitUntil(() => lines.some((line) => line.msg === 'push listener reconnected'), 5_000, 'the listener reconnected');
      const sender = await startHub();
      sender.notify(['phone-after-reconnect'], CONFIG_UPDATED);

      await waitUntil(() => receiverHub.deliveries.length > 0, WAKE_UP_LIMIT_MS, 'the push arrived after the reconnect');
      expect(receiverHub.deliveries[0]?.deviceIds).toEqual(['phone-after-reconnect']);
      const lost = lines.find((line) => line.msg === 'push listener connection lost; reconnecting');
      expect(lost?.level).toBe(40);
      expect(lost?.channel).toBe(channel);
      expect(await listenerPids()).not.toContain(pid);
    });

    it('delivers locally while its listener is down', async () => {
      useFreshChannel();
      const { logger, lines } = capturingLogger();
      const hub = await startHub({ logger, initialDelayMs: 3_000 });
      const [pid] = await listenerPids();

      await runAdminQuery(serverUrl!, 'select pg_terminate_backend($1)', [pid]);
      await waitUntil(() => lines.some((line) => line.msg === 'push listener connection lost; reconnecting'), 5_000, 'the listener noticed the drop');
      const poll = timedPoll(hub, 'phone-1');
      hub.notify(['phone-1'], CONFIG_UPDATED);
      const { messages, elapsedMs } = await poll;

      expect(messages).toEqual([CONFIG_UPDATED]);
      expect(elapsedMs).toBeLessThan(WAKE_UP_LIMIT_MS);
    });

    it('ignores payloads that are not pushes', async () => {
      useFreshChannel();
      const { logger, lines } = capturingLogger();
      const receiverHub = new RecordingHub();
      await startHub({ local: receiverHub, logger });

      await runAdminQuery(serverUrl!, 'select pg_notify($1, $2)', [channel, 'not a push']);
      await waitUntil(() => lines.some((line) => line.msg.startsWith('ignored a NOTIFY payload')), WAKE_UP_LIMIT_MS, 'the payload was logged');

      expect(receiverHub.deliveries).toEqual([]);
    });

    it('stops listening on close and answers held polls', async () => {
      useFreshChannel();
      const hub = await startHub();
      expect(await listenerPids()).toHaveLength(1);
      const poll = timedPoll(hub, 'phone-1');

      await hub.close();

      expect((await poll).messages).toEqual([]);
      await waitUntil(async () => (await listenerPids()).length === 0, WAKE_UP_LIMIT_MS, 'the LISTEN connection closed');
    });

    it('fails to start without a database', async () => {
      useFreshChannel();
      const db = openDatabase(UNREACHABLE_URL);
      databases.push(db);

      await expect(
        createPgNotifyHub({ databaseUrl: UNREACHABLE_URL, db, logger: pino({ level: 'silent' }), channel }),
      ).rejects.toThrow(/ECONNREFUSED/);
    });
  });
}
