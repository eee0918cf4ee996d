import { describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import type { AppContext } from '../../../src/context.js';
import { ForbiddenError } from '../../../src/domain/errors.js';
import { getContactStateSettings, updateContactStateSettings } from '../../../src/services/admin/contact-state.js';
import { exportDeviceTrack, exportFleetPositions } from '../../../src/services/admin/locations-export.js';
import { getDeviceTrack, listFleetPositions } from '../../../src/services/admin/locations.js';
import { createServiceContext, untouchableContext } from './support/context.js';

type ServiceCall = (ctx: AppContext, caller: Caller) => Promise<unknown>;

const VIEWER_SERVICES: Array<{ name: string; call: ServiceCall }> = [
  { name: 'getDeviceTrack', call: (ctx, caller) => getDeviceTrack(ctx, caller, 'x', {}) },
  { name: 'listFleetPositions', call: (ctx, caller) => listFleetPositions(ctx, caller, {}) },
  { name: 'exportDeviceTrack', call: (ctx, caller) => exportDeviceTrack(ctx, caller, 'x', { format: 'csv' }) },
  { name: 'exportFleetPositions', call: (ctx, caller) => exportFleetPositions(ctx, caller, { format: 'csv' }) },
  { name: 'getContactStateSettings', call: (ctx, caller) => getContactStateSettings(ctx, caller) },
];

const THRESHOLDS = { lateAfterMinutes: 10, offlineAfterMinutes: 60 };

describe('location service authorisation', () => {
  for (const service of VIEWER_SERVICES) {
    it(`${service.name} lets a viewer past the role check`, async () => {
      const caller: Caller = { userId: 'u1', username: 'viewer', role: 'viewer' };

      await expect(service.call(untouchableContext(), caller)).rejects.toThrow(/before checking the role/);
    });
  }

  for (const role of ['viewer', 'operator'] as const) {
    it(`thresholds reject a ${role} before touching ctx`, async () => {
      const caller: Caller = { userId: 'u1', username: role, role };

      await expect(updateContactStateSettings(untouchableContext(), caller, THRESHOLDS)).rejects.toBeInstanceOf(ForbiddenError);
    });
  }

  it('thresholds reject an admin limited to org units', async () => {
    const caller: Caller = { userId: 'u1', username: 'district-admin', role: 'admin', scope: { kind: 'units', units: [{ id: 'ou1', path: '/ou1/' }] } };

    await expect(updateContactStateSettings(untouchableContext(), caller, THRESHOLDS)).rejects.toThrow(/whole fleet/);
  });

  it('thresholds accept a fleet-wide admin', async () => {
    const ctx = await createServiceContext();
    try {
      const caller: Caller = { userId: 'u1', username: 'admin', role: 'admin' };

      const saved = await updateContactStateSettings(ctx, caller, THRESHOLDS);

      expect(saved).toMatchObject({ ...THRESHOLDS, source: 'settings' });
      expect(await ctx.store.settings.get('contact_state.thresholds')).toEqual(THRESHOLDS);
    } finally {
      await ctx.dispose();
    }
  });
});
