import { Gauge, type Registry } from 'prom-client';

import type { AppContext } from '../context.js';
import { CONTACT_STATES, contactBounds } from '../domain/contact-state.js';
import { loadContactThresholds } from '../services/admin/contact-state.js';
import { isDatabaseUnavailable } from '../store/database-errors.js';
import type { RolloutStateColumn } from '../store/schema.js';

const ROLLOUT_STATES: readonly RolloutStateColumn[] = ['draft', 'running', 'paused', 'halted', 'complete'];

/**
 * Registers gauges read from the database at each scrape: devices by
 * contact state, rollouts by state, and the time of a trivial query. The
 * counts are fleet-wide, so every process behind a load balancer reports
 * the same values. While the database is unreachable the device and rollout
 * gauges have no samples, the ping is NaN, and the rest of the scrape still
 * succeeds.
 */
export function collectFleetGauges(ctx: AppContext, registry: Registry): void {
  new Gauge({
    name: 'outpost_devices',
    help: 'Enrolled devices by contact state (online, late, offline, never), with the thresholds set in the console.',
    labelNames: ['contact_state'],
    registers: [registry],
    async collect() {
      await collectOrReset(this, async () => {
        const bounds = contactBounds(ctx.now(), await loadContactThresholds(ctx));
        const counts = await ctx.store.metrics.countDevicesByContact(bounds.onlineSince, bounds.lateSince);
        for (const state of CONTACT_STATES) this.set({ contact_state: state }, counts[state]);
      });
    },
  });

  new Gauge({
    name: 'outpost_rollouts',
    help: 'Rollouts by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      await collectOrReset(this, async () => {
        const counts = await ctx.store.metrics.countRolloutsByState();
        for (const state of ROLLOUT_STATES) this.set({ state }, counts[state] ?? 0);
      });
    },
  });

  new Gauge({
    name: 'outpost_database_ping_seconds',
    help: 'Time a trivial database query took during this scrape.',
    registers: [registry],
    async collect() {
      // An unlabelled gauge without a value reports 0, which would read as a fast ping.
      await collectOrReset(
        this,
        async () => {
          const started = process.hrtime.bigint();
          await ctx.store.metrics.ping();
          this.set(Number(process.hrtime.bigint() - started) / 1e9);
        },
        () => this.set(Number.NaN),
      );
    },
  });
}

/**
 * Runs a gauge's database reads. When the database is unreachable the gauge
 * is emptied (or `onUnavailable` runs) instead of failing the scrape, so the
 * metrics that show the outage (pool and connection errors) still reach
 * Prometheus.
 */
async function collectOrReset(gauge: Gauge<string>, read: () => Promise<void>, onUnavailable = () => gauge.reset()): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    onUnavailable();
  }
}
