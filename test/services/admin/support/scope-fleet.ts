import type { Caller } from '../../../../src/auth/caller.js';
import type { AppContext } from '../../../../src/context.js';
import { createPolicy } from '../../../../src/services/admin/policy-save.js';
import { insertDevice } from '../../../admin-api/support/devices.js';

export const ADMIN: Caller = { userId: 'u-admin', username: 'admin', role: 'admin', scope: { kind: 'fleet' } };

/** An operator limited to district A, as a session would load it. */
export const OPERATOR_A: Caller = {
  userId: 'u-op-a',
  username: 'op-a',
  role: 'operator',
  scope: { kind: 'units', units: [{ id: 'districtA', path: '/root/districtA/' }] },
};

/** An admin limited to district A. */
export const ADMIN_A: Caller = { ...OPERATOR_A, userId: 'u-admin-a', username: 'admin-a', role: 'admin' };

export interface ScopeFleet {
  policies: { base: string; district: string; clinic: string; own: string };
  devices: { a: string; a1: string; b: string; none: string };
}

/**
 * Builds root → districtA → clinicA1 and root → districtB, three DHIS2
 * users, four policies and a device in clinicA1, districtA, districtB and
 * one without a unit.
 */
export async function buildScopeFleet(ctx: AppContext): Promise<ScopeFleet> {
  await ctx.store.orgUnits.insert({ id: 'root', name: 'Country', parentId: null });
  await ctx.store.orgUnits.insert({ id: 'districtA', name: 'District A', parentId: 'root' });
  await ctx.store.orgUnits.insert({ id: 'clinicA1', name: 'Clinic A1', parentId: 'districtA' });
  await ctx.store.orgUnits.insert({ id: 'districtB', name: 'District B', parentId: 'root' });

  await ctx.store.dhis2Directory.insertUsers(
    [
      dhis2User('UaminataA01', 'aminata', 'clinicA1'),
      dhis2User('UbakaryA002', 'bakary', 'clinicA1'),
      dhis2User('UchidiB0003', 'chidi', 'districtB'),
    ],
    ctx.now(),
  );

  const policy = async (name: string) => (await createPolicy(ctx, ADMIN, { name })).id;
  const policies = { base: await policy('Base'), district: await policy('District'), clinic: await policy('Clinic'), own: await policy('Own') };

  const device = (deviceId: string, orgUnitId: string | null, serial: string) =>
    insertDevice(ctx, {
      device_id: deviceId,
      serial,
      imei: `35${serial}`,
      org_unit_id: orgUnitId,
      policy_id: policies.base,
      enrolment_policy_id: policies.base,
      policy_source: 'enrolment',
    });
  const devices = {
    a1: await device('phone-a1', 'clinicA1', 'SER-A1'),
    a: await device('phone-a', 'districtA', 'SER-A'),
    b: await device('phone-b', 'districtB', 'SER-B'),
    none: await device('phone-none', null, 'SER-N'),
  };
  return { policies, devices };
}

function dhis2User(id: string, username: string, orgUnitId: string) {
  return { id, username, firstName: username[0]!.toUpperCase() + username.slice(1), surname: 'Test', email: null, disabled: false, lastLoginAt: null, orgUnitIds: [orgUnitId] };
}
