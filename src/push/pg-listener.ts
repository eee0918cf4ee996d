import pg from 'pg';
import type { Logger } from 'pino';

/** Delays between reconnection attempts, doubling from the first to the maximum. */
export interface ReconnectBackoff {
  initialDelayMs: number;
  maxDelayMs: number;
}

// Half a second rides out a dropped connection at once; 30 s caps the wait
// while PostgreSQL restarts or fails over, so that wake-ups resume soon after.
export const DEFAULT_RECONNECT_BACKOFF: ReconnectBackoff = { initialDelayMs: 500, maxDelayMs: 30_000 };

// While PostgreSQL stays down, failed attempts are logged at warn level at
// most once per interval, and at debug level in between.
const RETRY_WARN_INTERVAL_MS = 60_000;

export interface PgListenerOptions {
  /** postgres:// URL; the listener opens one connection of its own, outside any pool. */
  databaseUrl: string;
  channel: string;
  logger: Logger;
  onNotification(payload: string): void;
  backoff?: ReconnectBackoff;
}

/**
 * Keeps one dedicated connection LISTENing on a channel and reconnects with
 * exponential backoff when the connection drops. A pooled connection cannot
 * do this, because the pool hands it to other queries and closes it when idle.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastWarnAt = 0;
  private readonly backoff: ReconnectBackoff;

  constructor(private readonly options: PgListenerOptions) {
    this.backoff = options.backoff ?? DEFAULT_RECONNECT_BACKOFF;
  }

  /** Connects and LISTENs; rejects when the first connection fails, so that startup fails with the cause. */
  async start(): Promise<void> {
    await this.connect();
    this.options.logger.info({ channel: this.options.channel }, 'push listener started');
  }

  /** Returns whether the connection is up and LISTENing, so that notifications reach this process. */
  isListening(): boolean {
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);

    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
    this.options.logger.info({ channel: this.options.channel }, 'push listener stopped');
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: 'outpost push listener' });
    // Without an error listener a dropped connection would crash the process.
    client.on('error', (error) => this.onLost(client, error));
    client.on('end', () => this.onLost(client, null));
    client.on('notification', (notification) => {
      if (notification.channel === this.options.channel) this.options.onNotification(notification.payload ?? '');
    });

    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.options.channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }

    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.listening = true;
  }

  private onLost(client: pg.Client, error: Error | null): void {
    if (this.closed || client !== this.client) return;

    this.client = null;
    this.listening = false;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: unknown): void {
    this.failures += 1;
    const delayMs = this.delayBefore(this.failures);
    const message = this.failures === 1 ? 'push listener connection lost; reconnecting' : 'push listener reconnect failed; retrying';
    const fields = { err: error, channel: this.options.channel, attempt: this.failures, delayMs };

    const now = Date.now();
    if (this.failures === 1 || now - this.lastWarnAt >= RETRY_WARN_INTERVAL_MS) {
      this.options.logger.warn(fields, message);
      this.lastWarnAt = now;
    } else {
      this.options.logger.debug(fields, message);
    }

    this.retryTimer = setTimeout(() => void this.reconnect(), delayMs);
  }

  private async reconnect(): Promise<void> {
    this.retryTimer = null;
    if (this.closed) return;

    try {
      await this.connect();
    } catch (error) {
      if (!this.closed) this.scheduleReconnect(error);
      return;
    }

    this.options.logger.info({ channel: this.options.channel, attempts: this.failures }, 'push listener reconnected');
    this.failures = 0;
  }

  /** Returns the wait before attempt `attempt`: doubling, capped, and jittered so that processes spread out. */
  private delayBefore(attempt: number): number {
    const ceiling = Math.min(this.backoff.maxDelayMs, this.backoff.initialDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
