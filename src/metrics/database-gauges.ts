import { Counter, Gauge, type Registry } from 'prom-client';

import type { AppContext } from '../context.js';
import { poolStatsOf } from '../store/database.js';

/**
 * Registers the connection pool gauges of a PostgreSQL server database:
 * open, idle and waiting, and the count of connections that failed or were
 * lost. SQLite and PGlite have no pool, so none is registered there.
 */
export function collectDatabasePoolGauges(ctx: AppContext, registry: Registry): void {
  if (poolStatsOf(ctx.store.db) === undefined) return;
  new Gauge({
    name: 'outpost_database_pool_connections',
    help: 'Open connections of this process to PostgreSQL, by state (idle or in_use).',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = poolStatsOf(ctx.store.db);
      if (!stats) return;
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'in_use' }, stats.total - stats.idle);
    },
  });

  new Gauge({
    name: 'outpost_database_pool_waiting',
    help: 'Queries of this process waiting for a free PostgreSQL connection.',
    registers: [registry],
    collect() {
      const stats = poolStatsOf(ctx.store.db);
      if (stats) this.set(stats.waiting);
    },
  });

  // A counter read from the pool's own count at each scrape, so failures
  // before the first scrape are included.
  let reported = 0;
  new Counter({
    name: 'outpost_database_connection_errors_total',
    help: 'PostgreSQL connections of this process that failed to open or were lost, since the start.',
    registers: [registry],
    collect() {
      const stats = poolStatsOf(ctx.store.db);
      if (!stats) return;
      this.inc(stats.connectionErrors - reported);
      reported = stats.connectionErrors;
    },
  });
}
