import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import type { Dhis2UserRef } from '../../store/repositories/assignments.js';
import { loadDeviceForCaller } from './device-access.js';
import { deviceScopeFilter, orgUnitVisibleTo } from './device-scope.js';

export interface NamedRef {
  id: string;
  name: string | null;
}

export type PolicySourceKind = 'device' | 'org_unit' | 'enrolment' | 'none';

/** Assignment of a device: its health worker, its org unit and the source of its policy. */
export interface DeviceAssignmentView {
  deviceId: string;
  orgUnit: (NamedRef & { path: string | null }) | null;
  dhis2User: { uid: string; username: string | null; displayName: string | null; disabled: boolean | null } | null;
  policy: {
    effective: NamedRef | null;
    source: PolicySourceKind;
    /** The org unit whose assignment gave the policy, when source is 'org_unit'. */
    sourceOrgUnit: NamedRef | null;
    explicit: NamedRef | null;
    enrolment: NamedRef | null;
  };
}

export async function getDeviceAssignment(ctx: AppContext, caller: Caller, id: string): Promise<DeviceAssignmentView> {
  requireRole(caller, 'viewer');

  const device = await loadDeviceForCaller(ctx, caller, id);
  const unit = device.org_unit_id === null ? undefined : await ctx.store.orgUnits.findById(device.org_unit_id);
  const user = device.dhis2_user_id === null ? undefined : await ctx.store.assignments.findDhis2UserByUid(device.dhis2_user_id);
  const sourceUnit = device.policy_source_unit_id === null ? undefined : await ctx.store.orgUnits.findById(device.policy_source_unit_id);

  const policyRef = async (policyId: string | null): Promise<NamedRef | null> =>
    policyId === null ? null : { id: policyId, name: (await ctx.store.policies.findById(policyId))?.name ?? null };

  return {
    deviceId: device.device_id,
    orgUnit: device.org_unit_id === null ? null : { id: device.org_unit_id, name: unit?.name ?? null, path: unit?.path ?? null },
    dhis2User:
      device.dhis2_user_id === null
        ? null
        : {
            uid: device.dhis2_user_id,
            username: user?.username ?? null,
            displayName: user?.displayName ?? null,
            disabled: user?.disabled ?? null,
          },
    policy: {
      effective: await policyRef(device.policy_id),
      source: toSourceKind(device.policy_source),
      sourceOrgUnit: device.policy_source_unit_id === null ? null : { id: device.policy_source_unit_id, name: sourceUnit?.name ?? null },
      explicit: await policyRef(device.explicit_policy_id),
      enrolment: await policyRef(device.enrolment_policy_id),
    },
  };
}

export interface Dhis2UserView {
  uid: string;
  username: string;
  displayName: string;
  disabled: boolean;
  orgUnitIds: string[];
}

/**
 * Lists synced DHIS2 users for assignment pickers: those of one org unit,
 * or every user. A caller limited to some units sees the users with at
 * least one unit inside the scope.
 */
export async function listDhis2UsersForAssignment(ctx: AppContext, caller: Caller, orgUnitId?: string): Promise<Dhis2UserView[]> {
  requireRole(caller, 'viewer');

  const users = await ctx.store.assignments.listDhis2Users(orgUnitId);
  if (deviceScopeFilter(caller) === null) return users;

  const visible: Dhis2UserRef[] = [];
  for (const user of users) {
    for (const unitId of user.orgUnitIds) {
      if (await orgUnitVisibleTo(ctx, caller, unitId)) {
        visible.push(user);
        break;
      }
    }
  }
  return visible;
}

function toSourceKind(value: string | null): PolicySourceKind {
  return value === 'device' || value === 'org_unit' || value === 'enrolment' ? value : 'none';
}
