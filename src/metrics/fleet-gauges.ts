import { Gauge, type Registry } from 'prom-client';

import type { AppContext } from '../context.js';
import { CONTACT_STATES, contactBounds } from '../domain/contact-state.js';
import { loadContactThresholds } from '../services/admin/contact-state.js';
import type { RolloutStateColumn } from '../store/schema.js';

const ROLLOUT_STATES: readonly RolloutStateColumn[] = ['draft', 'running', 'paused', 'halted', 'complete'];

/**
 * Registers gauges read from the database at each scrape: devices by
 * contact state, rollouts by state, and the time of a trivial query. The
 * counts are fleet-wide, so every process behind a load balancer reports
 * the same values.
 */
export function collectFleetGauges(ctx: AppContext, registry: Registry): void {
  new Gauge({
    name: 'outpost_devices',
    help: 'Enrolled devices by contact state (online, late, offline, never), with the thresholds set in the console.',
    labelNames: ['contact_state'],
    registers: [registry],
    async collect() {
      const bounds = contactBounds(ctx.now(), await loadContactThresholds(ctx));
      const counts = await ctx.store.metrics.countDevicesByContact(bounds.onlineSince, bounds.lateSince);
      for (const state of CONTACT_STATES) this.set({ contact_state: state }, counts[state]);
    },
  });

  new Gauge({
    name: 'outpost_rollouts',
    help: 'Rollouts by state.',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await ctx.store.metrics.countRolloutsByState();
      for (const state of ROLLOUT_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });

  new Gauge({
    name: 'outpost_database_ping_seconds',
    help: 'Time a trivial database query took during this scrape.',
    registers: [registry],
    async collect() {
      const started = process.hrtime.bigint();
      await ctx.store.metrics.ping();
      this.set(Number(process.hrtime.bigint() - started) / 1e9);
    },
  });
}
