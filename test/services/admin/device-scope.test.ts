import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import { NotFoundError } from '../../../src/domain/errors.js';
import { loadDeviceForCaller } from '../../../src/services/admin/device-access.js';
import { getDevice } from '../../../src/services/admin/device-detail.js';
import { listDevices } from '../../../src/services/admin/device-list.js';
import { updateDevice } from '../../../src/services/admin/device-update.js';
import { createEnrolmentToken, listEnrolmentTokens } from '../../../src/services/admin/enrolment-tokens.js';
import { getFleetSummary } from '../../../src/services/admin/fleet-summary.js';
import { createServiceContext, type ServiceContext } from './support/context.js';
import { ADMIN, ADMIN_A, buildScopeFleet, OPERATOR_A, type ScopeFleet } from './support/scope-fleet.js';

const ids = (page: { items: Array<{ deviceId: string }> }) => page.items.map((item) => item.deviceId);

describe('org-unit scope of devices', () => {
  let ctx: ServiceContext;
  let fleet: ScopeFleet;

  beforeEach(async () => {
    ctx = await createServiceContext();
    fleet = await buildScopeFleet(ctx);
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  it('lists and counts only the subtree, for every sort', async () => {
    for (const sort of ['deviceId', 'enrolledAt', 'lastContact', 'model', 'battery'] as const) {
      expect(ids(await listDevices(ctx, OPERATOR_A, { sort })).sort(), sort).toEqual(['phone-a', 'phone-a1']);
    }
    expect(ids(await listDevices(ctx, ADMIN, {}))).toEqual(['phone-a', 'phone-a1', 'phone-b', 'phone-none']);
    expect((await getFleetSummary(ctx, OPERATOR_A)).total).toBe(2);
    expect((await getFleetSummary(ctx, ADMIN)).total).toBe(4);
  });

  it('shows a device without a unit only to fleet-wide users', async () => {
    await expect(getDevice(ctx, OPERATOR_A, fleet.devices.none)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getDevice(ctx, ADMIN, fleet.devices.none)).deviceId).toBe('phone-none');
  });

  it('answers an out-of-scope device exactly like a missing one', async () => {
    const outside = await loadDeviceForCaller(ctx, OPERATOR_A, fleet.devices.b).catch((error: unknown) => error as NotFoundError);
    const missing = await loadDeviceForCaller(ctx, OPERATOR_A, 'no-such-device').catch((error: unknown) => error as NotFoundError);

    expect(outside).toBeInstanceOf(NotFoundError);
    expect(outside.message.replace(fleet.devices.b, 'ID')).toBe(missing.message.replace('no-such-device', 'ID'));
    await expect(updateDevice(ctx, OPERATOR_A, fleet.devices.b, { dhis2UserId: null })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('does not let a scoped operator move a device out of the scope', async () => {
    await expect(updateDevice(ctx, OPERATOR_A, fleet.devices.a, { orgUnitId: 'districtB' })).rejects.toThrow(/outside the org units/);
    await expect(updateDevice(ctx, OPERATOR_A, fleet.devices.a, { orgUnitId: null })).rejects.toThrow(/outside the org units/);
    expect((await updateDevice(ctx, OPERATOR_A, fleet.devices.a, { orgUnitId: 'clinicA1' })).orgUnitId).toBe('clinicA1');
  });

  it('filters the list by subtree and by health worker', async () => {
    await updateDevice(ctx, ADMIN, fleet.devices.b, { dhis2UserId: 'UchidiB0003' });

    expect(ids(await listDevices(ctx, ADMIN, { orgUnitId: 'districtA' }))).toEqual(['phone-a', 'phone-a1']);
    expect(ids(await listDevices(ctx, ADMIN, { orgUnitId: 'clinicA1' }))).toEqual(['phone-a1']);
    expect(ids(await listDevices(ctx, ADMIN, { dhis2UserId: 'UchidiB0003' }))).toEqual(['phone-b']);
    const [listed] = (await listDevices(ctx, ADMIN, { dhis2UserId: 'UchidiB0003', sort: 'lastContact' })).items;
    expect(listed).toMatchObject({ dhis2UserId: 'UchidiB0003', dhis2Username: 'chidi' });
    expect((await getDevice(ctx, ADMIN, fleet.devices.b)).dhis2Username).toBe('chidi');
    expect(ids(await listDevices(ctx, OPERATOR_A, { dhis2UserId: 'UchidiB0003' }))).toEqual([]);
    expect(ids(await listDevices(ctx, OPERATOR_A, { orgUnitId: 'districtB' }))).toEqual([]);
  });

  it('applies the scope again when another user reuses a list cursor', async () => {
    const page = await listDevices(ctx, ADMIN, { sort: 'lastContact', limit: 1 });
    expect(page.nextCursor).not.toBeNull();

    const reused = await listDevices(ctx, OPERATOR_A, { sort: 'lastContact', cursor: page.nextCursor ?? '', limit: 10 });
    expect(ids(reused).every((id) => id === 'phone-a' || id === 'phone-a1')).toBe(true);
  });

  it('keeps enrolment tokens to the scope', async () => {
    await createEnrolmentToken(ctx, ADMIN, { policyId: fleet.policies.base, orgUnitId: 'districtB', label: 'B' });
    await createEnrolmentToken(ctx, ADMIN_A, { policyId: fleet.policies.base, orgUnitId: 'clinicA1', label: 'A1', dhis2UserId: 'UaminataA01' });
    await expect(createEnrolmentToken(ctx, ADMIN_A, { policyId: fleet.policies.base, orgUnitId: 'districtB' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(createEnrolmentToken(ctx, ADMIN_A, { policyId: fleet.policies.base })).rejects.toBeInstanceOf(NotFoundError);

    expect((await listEnrolmentTokens(ctx, ADMIN_A)).map((token) => [token.label, token.dhis2UserId])).toEqual([['A1', 'UaminataA01']]);
    expect(await listEnrolmentTokens(ctx, ADMIN)).toHaveLength(2);
  });

  it('matches nothing for a scope unit that no longer exists', async () => {
    const gone: Caller = { ...OPERATOR_A, scope: { kind: 'units', units: [{ id: 'removed', path: null }] } };
    expect(ids(await listDevices(ctx, gone, {}))).toEqual([]);
    expect((await getFleetSummary(ctx, gone)).total).toBe(0);
  });
});
