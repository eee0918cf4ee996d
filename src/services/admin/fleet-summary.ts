import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { onlineSince, startOfUtcDay } from '../../domain/device-status.js';
import { loadContactThresholds } from './contact-state.js';
import { deviceScopeFilter } from './device-scope.js';

export interface FleetSummary {
  total: number;
  online: number;
  offline: number;
  neverContacted: number;
  /** Devices enrolled since midnight UTC. */
  enrolledToday: number;
}

export async function getFleetSummary(ctx: AppContext, caller: Caller): Promise<FleetSummary> {
  requireRole(caller, 'viewer');

  const now = ctx.now();
  // NOTE: late devices count as offline here; the summary has no late count yet.
  const { lateAfterMinutes } = await loadContactThresholds(ctx);
  const counts = await ctx.store.devices.countFleet(onlineSince(now, lateAfterMinutes), startOfUtcDay(now), deviceScopeFilter(caller));
  return {
    total: counts.total,
    online: counts.online,
    offline: counts.total - counts.online - counts.neverContacted,
    neverContacted: counts.neverContacted,
    enrolledToday: counts.enrolledSince,
  };
}
