import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { onlineSince, startOfUtcDay } from '../../domain/device-status.js';

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
  const counts = await ctx.store.devices.countFleet(onlineSince(now, ctx.config.onlineMinutes), startOfUtcDay(now));
  return {
    total: counts.total,
    online: counts.online,
    offline: counts.total - counts.online - counts.neverContacted,
    neverContacted: counts.neverContacted,
    enrolledToday: counts.enrolledSince,
  };
}
