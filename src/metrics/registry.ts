import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { AppContext } from '../context.js';
import { collectDatabasePoolGauges } from './database-gauges.js';
import { collectFleetGauges } from './fleet-gauges.js';
import { collectMqttGauges } from './mqtt-gauges.js';

/**
 * The Prometheus metrics of one Outpost process. Labels take values from
 * fixed sets only (route patterns, status codes, job names, states), never
 * device ids or user input, so the number of series stays bounded.
 */
export interface OutpostMetrics {
  registry: Registry;
  agentRequests: Counter<'route' | 'method' | 'status'>;
  agentRequestSeconds: Histogram<'route' | 'method'>;
  configSyncs: Counter<'kind'>;
  jobRuns: Counter<'job' | 'outcome'>;
  jobSeconds: Histogram<'job'>;
  jobLastSuccess: Gauge<'job'>;
}

const metricsByContext = new WeakMap<AppContext, OutpostMetrics>();

/** Returns the metrics of the process that `ctx` belongs to, creating them on first use. */
export function metricsFor(ctx: AppContext): OutpostMetrics {
  let metrics = metricsByContext.get(ctx);
  if (!metrics) {
    metrics = createMetrics(ctx);
    metricsByContext.set(ctx, metrics);
  }
  return metrics;
}

// Agent calls get a response in milliseconds, except long polls, which are
// held for up to OUTPOST_LONG_POLL_HOLD_SECONDS (240 by default).
const REQUEST_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240, 300];
// Jobs delete or wake in batches: from milliseconds when idle to minutes
// for a first retention purge of a large database.
const JOB_BUCKETS_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

function createMetrics(ctx: AppContext): OutpostMetrics {
  // A registry per process context, so test servers in one Node process keep apart.
  const registry = new Registry();

  const metrics: OutpostMetrics = {
    registry,
    agentRequests: new Counter({
      name: 'outpost_agent_requests_total',
      help: 'Agent protocol requests by route pattern, method and HTTP status of the response.',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    agentRequestSeconds: new Histogram({
      name: 'outpost_agent_request_duration_seconds',
      help: 'Time to respond to agent protocol requests, long polls included, by route pattern and method.',
      labelNames: ['route', 'method'],
      buckets: REQUEST_BUCKETS_SECONDS,
      registers: [registry],
    }),
    configSyncs: new Counter({
      name: 'outpost_config_syncs_total',
      help: 'Configurations sent to phones with HTTP 200: kind enrol for POST, sync for GET.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'outpost_job_runs_total',
      help: 'Scheduled job runs in this process, by job and outcome (succeeded or failed).',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: 'outpost_job_duration_seconds',
      help: 'Time scheduled job runs took in this process.',
      labelNames: ['job'],
      buckets: JOB_BUCKETS_SECONDS,
      registers: [registry],
    }),
    jobLastSuccess: new Gauge({
      name: 'outpost_job_last_success_timestamp_seconds',
      help: 'Unix time of the last successful run of each job in this process; job lag is time() minus this.',
      labelNames: ['job'],
      registers: [registry],
    }),
  };

  new Gauge({
    name: 'outpost_long_poll_waiters',
    help: 'Long polls held open by this process.',
    registers: [registry],
    collect() {
      this.set(ctx.push.openPollCount());
    },
  });

  collectFleetGauges(ctx, registry);
  collectDatabasePoolGauges(ctx, registry);
  collectMqttGauges(ctx, registry);
  return metrics;
}
