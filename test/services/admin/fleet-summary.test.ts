import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { getFleetSummary } from '../../../src/services/admin/fleet-summary.js';
import { insertDevice } from '../../admin-api/support/devices.js';
import { createServiceContext, type ServiceContext } from './support/context.js';
import { ADMIN } from './support/scope-fleet.js';

const MINUTE = 60_000;

describe('fleet summary', () => {
  let ctx: ServiceContext;

  beforeEach(async () => {
    ctx = await createServiceContext();
    const now = ctx.now();
    // The default thresholds: online up to 20 minutes, offline after 120.
    await insertDevice(ctx, { device_id: 'online', last_contact_at: now - 5 * MINUTE });
    await insertDevice(ctx, { device_id: 'late-1', last_contact_at: now - 30 * MINUTE });
    await insertDevice(ctx, { device_id: 'late-2', last_contact_at: now - 110 * MINUTE });
    await insertDevice(ctx, { device_id: 'offline', last_contact_at: now - 200 * MINUTE });
    await insertDevice(ctx, { device_id: 'never' });
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  it('counts each contact state', async () => {
    const summary = await getFleetSummary(ctx, ADMIN);

    expect(summary.total).toBe(5);
    expect(summary.online).toBe(1);
    expect(summary.late).toBe(2);
    expect(summary.offline).toBe(1);
    expect(summary.neverContacted).toBe(1);
  });

  it('follows thresholds set in the console', async () => {
    await ctx.store.settings.set('contact_state.thresholds', { lateAfterMinutes: 60, offlineAfterMinutes: 100 });

    const summary = await getFleetSummary(ctx, ADMIN);

    expect(summary.online).toBe(2);
    expect(summary.late).toBe(0);
    expect(summary.offline).toBe(2);
  });
});
