import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import type { Logger } from 'pino';

import type { Db } from '../store/database.js';
import { LongPollHub } from './long-poll-hub.js';
import { PgListener, type ReconnectBackoff } from './pg-listener.js';
import { PgliteListener } from './pglite-listener.js';
import { decodeNotification, encodeNotifications, type NotificationChunk } from './pg-notify-payload.js';
import type { PushHub, PushMessage } from './push-hub.js';

/** NOTIFY channel Outpost processes share by default. */
export const PUSH_CHANNEL = 'outpost_push';

// At shutdown, NOTIFYs already sent get this long to finish before the
// database closes; a database that is down would otherwise hold the shutdown.
const CLOSE_GRACE_MS = 5_000;

/**
 * Push hub for several Outpost processes on one PostgreSQL database. A
 * device's long poll may be held by any process, so notify() sends the
 * message with NOTIFY, and every process, the sender included, LISTENs and
 * hands what arrives to its local hub.
 *
 * When the NOTIFY fails, or this process is not LISTENing at that moment,
 * the message goes to the local hub directly, so this process's devices get it.
 *
 * NOTE: PostgreSQL does not keep notifications for a listener that is
 * reconnecting, so a process misses the pushes sent meanwhile. Its devices
 * pick up the change at their next scheduled configuration check.
 * NOTE: every process queues each message for devices without a poll open
 * there, so a device that polls another process next gets the message there as
 * well, and may sync once more than needed.
 */
export class PgNotifyHub implements PushHub {
  private readonly inFlight = new Set<Promise<void>>();
  private invalidPayloads = 0;

  constructor(
    private readonly local: PushHub,
    private readonly db: Db,
    private readonly channel: string,
    private readonly logger: Logger,
    private readonly listener: Pick<PgListener, 'isListening' | 'close'>,
  ) {}

  notify(deviceIds: readonly string[], message: PushMessage): void {
    if (deviceIds.length === 0) return;

    let chunks: NotificationChunk[];
    try {
      chunks = encodeNotifications(deviceIds, message);
    } catch (error) {
      this.logger.error({ err: error, messageType: message.messageType }, 'push too large for NOTIFY; delivering in this process only');
      this.local.notify(deviceIds, message);
      return;
    }

    // Without a listener this process would not see its own NOTIFY.
    const listening = this.listener.isListening();
    if (!listening) this.local.notify(deviceIds, message);

    const sending = this.send(chunks)
      .catch((error: unknown) => {
        this.logger.error(
          { err: error, channel: this.channel, devices: deviceIds.length, messageType: message.messageType },
          'push NOTIFY failed; delivering in this process only',
        );
        if (listening) this.local.notify(deviceIds, message);
      })
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  waitForMessages(deviceId: string, holdMs: number, signal: AbortSignal): Promise<PushMessage[]> {
    return this.local.waitForMessages(deviceId, holdMs, signal);
  }

  openPollCount(): number {
    return this.local.openPollCount();
  }

  /** Delivers a NOTIFY payload from the channel to the local hub. */
  receive(payload: string): void {
    const notification = decodeNotification(payload);
    if (notification) {
      this.local.notify(notification.deviceIds, notification.message);
      return;
    }

    // Only a database user can NOTIFY, so a bad payload is a bug or another
    // program on the channel. The first and then every 100th are logged.
    this.invalidPayloads += 1;
    if (this.invalidPayloads % 100 === 1) {
      this.logger.warn({ channel: this.channel, count: this.invalidPayloads }, 'ignored a NOTIFY payload that is not an Outpost push');
    }
  }

  /** Resolves once every NOTIFY started so far has finished or failed. */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /**
   * Ends held polls at once with what is queued, stops listening, and waits
   * up to a few seconds for NOTIFYs in flight. Close the hub before the database.
   */
  async close(): Promise<void> {
    this.local.close();
    await this.listener.close();

    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    await Promise.race([this.flush(), grace]);
    clearTimeout(timer);
  }

  /** Sends every chunk in one statement, so that either all of them are sent or none. */
  private async send(chunks: readonly NotificationChunk[]): Promise<void> {
    const payloads = chunks.map((chunk) => chunk.payload);
    await sql`select pg_notify(${this.channel}, payload) from unnest(${payloads}::text[]) as payload`.execute(this.db);
  }
}

/** Target of the hub's LISTEN: a PostgreSQL server, or an in-process PGlite. */
export type PgNotifyTarget =
  | {
      /** postgres:// URL of the database; the hub opens one extra connection to LISTEN. */
      databaseUrl: string;
      pglite?: undefined;
    }
  | {
      /** In-process PostgreSQL that `db` runs on (see pgliteOf); processes sharing it wake each other. */
      pglite: PGlite;
      databaseUrl?: undefined;
    };

export type PgNotifyHubOptions = PgNotifyTarget & PgNotifyHubSettings;

export interface PgNotifyHubSettings {
  /** Database the hub sends NOTIFY through, normally the store's. */
  db: Db;
  logger: Logger;
  /** Hub holding this process's long polls; a new LongPollHub by default. */
  local?: PushHub;
  /** NOTIFY channel; processes that wake each other's devices must share it. */
  channel?: string;
  /** Reconnection delays of the LISTEN connection to a server; PGlite has no connection to lose. */
  backoff?: ReconnectBackoff;
}

/**
 * Creates a PgNotifyHub and starts LISTENing, on its own connection to the
 * server at `databaseUrl` or on the `pglite` instance. Rejects when it
 * cannot LISTEN.
 *
 * @example
 * const push = await createPgNotifyHub({ databaseUrl: config.databaseUrl, db, logger });
 * push.notify(['phone-1'], { messageType: 'configUpdated' });
 * await push.close();
 */
export async function createPgNotifyHub(options: PgNotifyHubOptions): Promise<PgNotifyHub> {
  const channel = options.channel ?? PUSH_CHANNEL;
  let hub: PgNotifyHub | null = null;

  const onNotification = (payload: string) => hub?.receive(payload);
  const listener =
    options.pglite !== undefined
      ? new PgliteListener({ pglite: options.pglite, channel, logger: options.logger, onNotification })
      : new PgListener({ databaseUrl: options.databaseUrl, channel, logger: options.logger, backoff: options.backoff, onNotification });
  hub = new PgNotifyHub(options.local ?? new LongPollHub(), options.db, channel, options.logger, listener);

  await listener.start();
  return hub;
}
