import { describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import type { AppContext } from '../../../src/context.js';
import { ForbiddenError } from '../../../src/domain/errors.js';
import type { ConsoleRole } from '../../../src/domain/roles.js';
import { getDeviceAssignment, listDhis2UsersForAssignment } from '../../../src/services/admin/assignments.js';
import { exportAssignments } from '../../../src/services/admin/assignments-export.js';
import { importAssignments } from '../../../src/services/admin/assignments-import.js';
import { getDhis2LoginSettings, listDhis2SignInGroups, saveDhis2LoginSettings } from '../../../src/services/admin/dhis2-sign-in.js';
import { createEnrolmentSheet } from '../../../src/services/admin/enrolment-sheets.js';
import { listOrgUnitPolicies, setOrgUnitPolicy } from '../../../src/services/admin/org-unit-policies.js';
import { createPolicy, updatePolicy } from '../../../src/services/admin/policy-save.js';
import { deletePolicy } from '../../../src/services/admin/policies.js';
import { createUser, listUsers, resetUserPassword, updateUser } from '../../../src/services/admin/users.js';
import { changeRolloutState } from '../../../src/services/rollouts/rollout-control.js';
import { untouchableContext } from './support/context.js';

type ServiceCall = (ctx: AppContext, caller: Caller) => Promise<unknown>;

/** Services of users, assignments, sheets and sign-in; `fleetOnly` ones also reject an admin limited to some units. */
const SERVICES: Array<{ name: string; minimum: ConsoleRole; fleetOnly?: boolean; call: ServiceCall }> = [
  { name: 'getDeviceAssignment', minimum: 'viewer', call: (ctx, caller) => getDeviceAssignment(ctx, caller, 'x') },
  { name: 'listDhis2UsersForAssignment', minimum: 'viewer', call: (ctx, caller) => listDhis2UsersForAssignment(ctx, caller) },
  { name: 'exportAssignments', minimum: 'viewer', call: (ctx, caller) => exportAssignments(ctx, caller) },
  { name: 'listOrgUnitPolicies', minimum: 'viewer', call: (ctx, caller) => listOrgUnitPolicies(ctx, caller) },
  { name: 'importAssignments', minimum: 'operator', call: (ctx, caller) => importAssignments(ctx, caller, { csv: 'device_id,serial,dhis2_username,org_unit_id\nphone,,,\n', dryRun: true }) },
  { name: 'setOrgUnitPolicy', minimum: 'admin', call: (ctx, caller) => setOrgUnitPolicy(ctx, caller, 'x', null) },
  { name: 'createEnrolmentSheet', minimum: 'admin', call: (ctx, caller) => createEnrolmentSheet(ctx, caller, { orgUnitId: 'x', policyId: 'x', source: 'blank', count: 1 }) },
  { name: 'listUsers', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => listUsers(ctx, caller) },
  { name: 'createUser', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => createUser(ctx, caller, { username: 'u', role: 'viewer' }) },
  { name: 'updateUser', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => updateUser(ctx, caller, 'x', { role: 'viewer' }) },
  { name: 'resetUserPassword', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => resetUserPassword(ctx, caller, 'x', {}) },
  { name: 'getDhis2LoginSettings', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => getDhis2LoginSettings(ctx, caller) },
  { name: 'listDhis2SignInGroups', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => listDhis2SignInGroups(ctx, caller) },
  {
    name: 'saveDhis2LoginSettings',
    minimum: 'admin',
    fleetOnly: true,
    call: (ctx, caller) => saveDhis2LoginSettings(ctx, caller, { enabled: false, groupRoles: [] }),
  },
  { name: 'createPolicy', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => createPolicy(ctx, caller, { name: 'p' }) },
  { name: 'updatePolicy', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => updatePolicy(ctx, caller, 'x', { name: 'p' }) },
  { name: 'deletePolicy', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => deletePolicy(ctx, caller, 'x') },
  { name: 'changeRolloutState', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => changeRolloutState(ctx, caller, 'x', 'start') },
];

const LOWER_ROLES: Record<ConsoleRole, ConsoleRole[]> = { viewer: [], operator: ['viewer'], admin: ['viewer', 'operator'] };
const DISTRICT = { kind: 'units', units: [{ id: 'district', path: '/country/district/' }] } as const;

describe('service authorisation with scopes', () => {
  for (const service of SERVICES) {
    for (const role of LOWER_ROLES[service.minimum]) {
      it(`${service.name} rejects a ${role} first`, async () => {
        const caller: Caller = { userId: 'u1', username: `a-${role}`, role, scope: { kind: 'fleet' } };
        await expect(service.call(untouchableContext(), caller)).rejects.toBeInstanceOf(ForbiddenError);
      });
    }

    if (service.fleetOnly) {
      it(`${service.name} rejects a scoped admin first`, async () => {
        const caller: Caller = { userId: 'u1', username: 'district-admin', role: 'admin', scope: DISTRICT };
        const error = await service.call(untouchableContext(), caller).catch((caught: unknown) => caught);

        expect(error).toBeInstanceOf(ForbiddenError);
        expect((error as Error).message).toContain('whole fleet');
      });
    }

    it(`${service.name} lets a ${service.minimum} through`, async () => {
      const caller: Caller = { userId: 'u1', username: 'allowed', role: service.minimum, scope: { kind: 'fleet' } };
      await expect(service.call(untouchableContext(), caller)).rejects.toThrow(/before checking the role/);
    });
  }
});
