import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ForbiddenError, NotFoundError } from '../../../src/domain/errors.js';
import { getDeviceAssignment } from '../../../src/services/admin/assignments.js';
import { updateDevice } from '../../../src/services/admin/device-update.js';
import { saveDhis2Connection } from '../../../src/services/admin/dhis2-connection.js';
import { runDhis2Sync, waitForDhis2Syncs } from '../../../src/services/admin/dhis2-sync.js';
import { listOrgUnitPolicies, setOrgUnitPolicy } from '../../../src/services/admin/org-unit-policies.js';
import { recomputeAllEffectivePolicies } from '../../../src/services/admin/org-unit-policy-resolution.js';
import { createPolicy } from '../../../src/services/admin/policy-save.js';
import { insertDevice } from '../../admin-api/support/devices.js';
import { startDhis2Standin, type Dhis2Standin } from '../../support/dhis2-standin.js';
import { createServiceContext, type ServiceContext } from './support/context.js';
import { ADMIN, ADMIN_A, buildScopeFleet, OPERATOR_A, type ScopeFleet } from './support/scope-fleet.js';

describe('policies by org unit', () => {
  let ctx: ServiceContext;
  let fleet: ScopeFleet;

  beforeEach(async () => {
    ctx = await createServiceContext();
    fleet = await buildScopeFleet(ctx);
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  const policyOf = async (pk: string) => (await ctx.store.devices.findByPk(pk))?.policy_id;

  it('A device inherits its policy from the closest org unit; a device override wins', async () => {
    await setOrgUnitPolicy(ctx, ADMIN, 'root', fleet.policies.base);
    await setOrgUnitPolicy(ctx, ADMIN, 'districtA', fleet.policies.district);
    expect(await policyOf(fleet.devices.a1)).toBe(fleet.policies.district);
    expect(await policyOf(fleet.devices.b)).toBe(fleet.policies.base);

    await setOrgUnitPolicy(ctx, ADMIN, 'clinicA1', fleet.policies.clinic);
    expect(await policyOf(fleet.devices.a1)).toBe(fleet.policies.clinic);
    expect(await policyOf(fleet.devices.a)).toBe(fleet.policies.district);

    await updateDevice(ctx, ADMIN, fleet.devices.a1, { policyId: fleet.policies.own });
    expect(await policyOf(fleet.devices.a1)).toBe(fleet.policies.own);
    const view = await getDeviceAssignment(ctx, ADMIN, fleet.devices.a1);
    expect(view.policy.source).toBe('device');
    expect(view.policy.explicit?.name).toBe('Own');

    await updateDevice(ctx, ADMIN, fleet.devices.a1, { policyId: null });
    const inherited = await getDeviceAssignment(ctx, ADMIN, fleet.devices.a1);
    expect(inherited.policy.effective?.id).toBe(fleet.policies.clinic);
    expect(inherited.policy.source).toBe('org_unit');
    expect(inherited.policy.sourceOrgUnit).toEqual({ id: 'clinicA1', name: 'Clinic A1' });
  });

  it('falls back to the enrolment policy', async () => {
    await setOrgUnitPolicy(ctx, ADMIN, 'districtA', fleet.policies.district);
    ctx.pushes.length = 0;

    const result = await setOrgUnitPolicy(ctx, ADMIN, 'districtA', null);

    expect(result.devicesChanged).toBe(2);
    expect(await policyOf(fleet.devices.a1)).toBe(fleet.policies.base);
    expect(ctx.pushes.flatMap((push) => push.deviceIds).sort()).toEqual(['phone-a', 'phone-a1']);
    const view = await getDeviceAssignment(ctx, ADMIN, fleet.devices.a1);
    expect(view.policy.source).toBe('enrolment');
  });

  it('follows a device to its new unit', async () => {
    await setOrgUnitPolicy(ctx, ADMIN, 'districtB', fleet.policies.district);

    await updateDevice(ctx, ADMIN, fleet.devices.a, { orgUnitId: 'districtB' });

    expect(await policyOf(fleet.devices.a)).toBe(fleet.policies.district);
  });

  it('follows a unit moved by a sync once policies are recomputed', async () => {
    await setOrgUnitPolicy(ctx, ADMIN, 'districtB', fleet.policies.district);
    await ctx.store.db.updateTable('org_units').set({ parent_id: 'districtB', path: '/root/districtB/clinicA1/' }).where('id', '=', 'clinicA1').execute();

    expect(await recomputeAllEffectivePolicies(ctx)).toBe(1);
    expect(await policyOf(fleet.devices.a1)).toBe(fleet.policies.district);
  });

  it('moves a 5,000-device subtree at once', async () => {
    const now = ctx.now();
    const rows = Array.from({ length: 5_000 }, (_, index) => ({
      id: `bulk-${index}`,
      device_id: `bulk-phone-${index}`,
      org_unit_id: 'clinicA1',
      policy_id: fleet.policies.base,
      enrolment_policy_id: fleet.policies.base,
      policy_source: 'enrolment',
      enrolment_generation: 1,
      enrolled_at: now,
      created_at: now,
      updated_at: now,
    }));
    for (let start = 0; start < rows.length; start += 500) await ctx.store.db.insertInto('devices').values(rows.slice(start, start + 500)).execute();

    const result = await setOrgUnitPolicy(ctx, ADMIN, 'districtA', fleet.policies.district);

    expect(result.devicesChanged).toBe(5_002);
    const counts = await ctx.store.devices.countPerPolicy();
    expect(counts.get(fleet.policies.district)).toBe(5_002);
    expect(ctx.pushes.flatMap((push) => push.deviceIds)).toHaveLength(5_002);
  });

  it('keeps scoped admins to their units', async () => {
    await expect(setOrgUnitPolicy(ctx, ADMIN_A, 'districtB', fleet.policies.district)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setOrgUnitPolicy(ctx, OPERATOR_A, 'districtA', fleet.policies.district)).rejects.toBeInstanceOf(ForbiddenError);

    await setOrgUnitPolicy(ctx, ADMIN_A, 'clinicA1', fleet.policies.clinic);
    await setOrgUnitPolicy(ctx, ADMIN, 'districtB', fleet.policies.district);
    expect((await listOrgUnitPolicies(ctx, OPERATOR_A)).map((row) => row.orgUnitId)).toEqual(['clinicA1']);
    expect(await ctx.store.audit.list(100)).toContainEqual(expect.objectContaining({ action: 'org_unit.policy_set', target_id: 'clinicA1' }));
  });
});

describe('policies by org unit after a DHIS2 sync', () => {
  let ctx: ServiceContext;
  let dhis2: Dhis2Standin;

  beforeEach(async () => {
    ctx = await createServiceContext();
    dhis2 = await startDhis2Standin();
    await saveDhis2Connection(ctx, ADMIN, { baseUrl: dhis2.url, token: dhis2.token, timeoutSeconds: 5 });
  });
  afterEach(async () => {
    await waitForDhis2Syncs();
    await dhis2.close();
    await ctx.dispose();
  });

  it('follows a unit that DHIS2 moved', async () => {
    expect((await runDhis2Sync(ctx, { trigger: 'manual', actor: 'test', full: true })).state).toBe('succeeded');
    const districts = dhis2.orgUnits.filter((unit) => unit.level === 2);
    const [from, to] = [districts[0]!, districts[1]!];
    const facility = dhis2.orgUnits.find((unit) => unit.parentId === from.id)!;
    const base = (await createPolicy(ctx, ADMIN, { name: 'Base' })).id;
    const toPolicy = (await createPolicy(ctx, ADMIN, { name: 'Target district' })).id;
    const pk = await insertDevice(ctx, { device_id: 'moving-phone', org_unit_id: facility.id, policy_id: base, enrolment_policy_id: base, policy_source: 'enrolment' });
    await setOrgUnitPolicy(ctx, ADMIN, to.id, toPolicy);
    expect((await ctx.store.devices.findByPk(pk))?.policy_id).toBe(base);
    ctx.pushes.length = 0;

    dhis2.changeOrgUnit(facility.id, { parentId: to.id });
    expect((await runDhis2Sync(ctx, { trigger: 'manual', actor: 'test' })).units.changed).toBeGreaterThan(0);

    const device = await ctx.store.devices.findByPk(pk);
    expect(device).toMatchObject({ policy_id: toPolicy, policy_source: 'org_unit', policy_source_unit_id: to.id });
    expect(ctx.pushes.flatMap((push) => push.deviceIds)).toContain('moving-phone');
  });
});
