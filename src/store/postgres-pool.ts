import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';

import { databaseErrorFields } from './database-errors.js';

// Connections per process. Each is in use only for one query or transaction,
// so ten serve thousands of devices, and several processes stay under
// PostgreSQL's default max_connections of 100.
const POSTGRES_POOL_SIZE = 10;

// A request waits this long for a connection. Without a limit, requests made
// while the server is unreachable (a firewall dropping packets, a failover)
// would hang instead of getting 503, and would pile up in the pool's queue.
const CONNECT_TIMEOUT_MS = 5_000;

// While the database stays unreachable, one warning is logged per interval,
// with the count of failures since the previous one. A warning per failed
// request would flood the log.
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** Connection counts of a pool, for the metrics endpoint. */
export interface PoolStats {
  /** Connections open, idle or in use. */
  total: number;
  idle: number;
  /** Queries waiting for a connection because all are in use. */
  waiting: number;
  /** Connections that failed to open or were lost, since the start. */
  connectionErrors: number;
}

/**
 * A pg pool for Kysely that survives the server going away. Every
 * connection has an error listener, so a connection lost in the middle of
 * a query fails that query instead of crashing the process. The pool then
 * drops it and opens a new one for the next query. Failures are logged once
 * when they start, then once a minute, and the recovery once.
 */
export class ResilientPool implements PostgresPool {
  private readonly pool: pg.Pool;
  private connectionErrors = 0;
  private failingSince: number | null = null;
  private lastFailureLogAt = 0;
  private failuresSinceLog = 0;

  constructor(
    databaseUrl: string,
    private readonly logger: Logger | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: POSTGRES_POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });

    // pg-pool listens for errors only while a connection is idle. A
    // connection that is in use when the server closes it would emit
    // 'error' with no listener, which ends the process.
    this.pool.on('connect', (client) => {
      client.on('error', (error) => this.recordFailure('lost', error));
    });
    // The pool also re-emits errors of idle connections, which the listener above has counted.
    this.pool.on('error', () => undefined);
  }

  async connect(): Promise<PostgresPoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      this.recordFailure('connect', error);
      throw error;
    }

    this.recordSuccess();
    return client;
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  stats(): PoolStats {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      connectionErrors: this.connectionErrors,
    };
  }

  private recordFailure(kind: 'connect' | 'lost', error: unknown): void {
    this.connectionErrors += 1;
    const now = this.now();
    const fields = { ...databaseErrorFields(error), kind };

    if (this.failingSince === null) {
      this.failingSince = now;
      this.lastFailureLogAt = now;
      this.failuresSinceLog = 0;
      this.logger?.warn(fields, 'database connection failed; each new query retries it');
      return;
    }

    this.failuresSinceLog += 1;
    if (now - this.lastFailureLogAt < FAILURE_LOG_INTERVAL_MS) return;

    this.logger?.warn(
      { ...fields, failures: this.failuresSinceLog, downMs: now - this.failingSince },
      'database still unreachable; retrying on each request',
    );
    this.lastFailureLogAt = now;
    this.failuresSinceLog = 0;
  }

  private recordSuccess(): void {
    if (this.failingSince === null) return;

    this.logger?.info({ downMs: this.now() - this.failingSince }, 'database connection restored');
    this.failingSince = null;
  }
}
