import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { onlineSince, startOfUtcDay } from '../../domain/device-status.js';
import { loadContactThresholds } from './contact-state.js';
import { deviceScopeFilter } from './device-scope.js';

export interface FleetSummary {
  total: number;
  online: number;
  /** Devices past the online threshold but not yet offline. */
  late: number;
  offline: number;
  neverContacted: number;
  /** Devices enrolled since midnight UTC. */
  enrolledToday: number;
}

export async function getFleetSummary(ctx: AppContext, caller: Caller): Promise<FleetSummary> {
  requireRole(caller, 'viewer');

  const now = ctx.now();
  const { lateAfterMinutes, offlineAfterMinutes } = await loadContactThresholds(ctx);
  const counts = await ctx.store.devices.countFleet(
    onlineSince(now, lateAfterMinutes),
    startOfUtcDay(now),
    deviceScopeFilter(caller),
    onlineSince(now, offlineAfterMinutes),
  );
  return {
    total: counts.total,
    online: counts.online,
    late: counts.late,
    offline: counts.total - counts.online - counts.late - counts.neverContacted,
    neverContacted: counts.neverContacted,
    enrolledToday: counts.enrolledSince,
  };
}
