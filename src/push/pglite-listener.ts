import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';

export interface PgliteListenerOptions {
  /** The in-process PostgreSQL to LISTEN on; every query on it can NOTIFY the channel. */
  pglite: PGlite;
  channel: string;
  logger: Logger;
  onNotification(payload: string): void;
}

/**
 * LISTENs on a channel of an in-process PostgreSQL (PGlite), the counterpart
 * of PgListener for a database that lives in this process. PGlite has a
 * single backend and no connection to lose, so there is nothing to reconnect:
 * the listener is up from start() until close().
 */
export class PgliteListener {
  private unsubscribe: (() => Promise<void>) | null = null;
  private closed = false;

  constructor(private readonly options: PgliteListenerOptions) {}

  /** LISTENs on the channel; rejects when PGlite is closed or cannot LISTEN. */
  async start(): Promise<void> {
    const unsubscribe = await this.options.pglite.listen(this.options.channel, (payload) => this.deliver(payload));
    if (this.closed) {
      await unsubscribe().catch(() => undefined);
      return;
    }
    this.unsubscribe = unsubscribe;
    this.options.logger.info({ channel: this.options.channel }, 'push listener started');
  }

  /** Returns whether notifications on the channel reach this listener. */
  isListening(): boolean {
    return this.unsubscribe !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    // PGlite may already be closed, which ends every LISTEN anyway.
    if (unsubscribe) await unsubscribe().catch(() => undefined);
    this.options.logger.info({ channel: this.options.channel }, 'push listener stopped');
  }

  private deliver(payload: string): void {
    if (this.closed) return;
    // PGlite calls back inside the query that sent the NOTIFY; an exception
    // here would surface as that query's failure in another part of Outpost.
    try {
      this.options.onNotification(payload);
    } catch (error) {
      this.options.logger.error({ err: error, channel: this.options.channel }, 'push listener failed to deliver a notification');
    }
  }
}
