import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import type { AppContext } from '../../../src/context.js';
import { ForbiddenError } from '../../../src/domain/errors.js';
import type { ConsoleRole } from '../../../src/domain/roles.js';
import { uploadApp } from '../../../src/services/admin/app-upload.js';
import { getAppVersionFile, listApps } from '../../../src/services/admin/apps.js';
import { listAuditEvents } from '../../../src/services/admin/audit.js';
import { sendDeviceCommand } from '../../../src/services/admin/device-commands.js';
import { getDevice } from '../../../src/services/admin/device-detail.js';
import { listDevices } from '../../../src/services/admin/device-list.js';
import { updateDevice } from '../../../src/services/admin/device-update.js';
import { getEnrolmentAgent, setEnrolmentAgent } from '../../../src/services/admin/enrolment-agent.js';
import { createEnrolmentToken, listEnrolmentTokens, revokeEnrolmentToken } from '../../../src/services/admin/enrolment-tokens.js';
import { getFleetSummary } from '../../../src/services/admin/fleet-summary.js';
import { createOrgUnit, listOrgUnits } from '../../../src/services/admin/org-units.js';
import { deletePolicy, getPolicy, listPolicies } from '../../../src/services/admin/policies.js';
import { createPolicy, updatePolicy } from '../../../src/services/admin/policy-save.js';
import { getProvisioningPayload, getProvisioningPng } from '../../../src/services/admin/provisioning-qr.js';
import { createUser, listUsers } from '../../../src/services/admin/users.js';
import { untouchableContext } from './support/context.js';

type ServiceCall = (ctx: AppContext, caller: Caller) => Promise<unknown>;

const SERVICES: Array<{ name: string; minimum: ConsoleRole; call: ServiceCall }> = [
  { name: 'listDevices', minimum: 'viewer', call: (ctx, caller) => listDevices(ctx, caller, {}) },
  { name: 'getDevice', minimum: 'viewer', call: (ctx, caller) => getDevice(ctx, caller, 'x') },
  { name: 'getFleetSummary', minimum: 'viewer', call: (ctx, caller) => getFleetSummary(ctx, caller) },
  { name: 'listApps', minimum: 'viewer', call: (ctx, caller) => listApps(ctx, caller) },
  { name: 'getAppVersionFile', minimum: 'viewer', call: (ctx, caller) => getAppVersionFile(ctx, caller, 'x') },
  { name: 'listPolicies', minimum: 'viewer', call: (ctx, caller) => listPolicies(ctx, caller) },
  { name: 'getPolicy', minimum: 'viewer', call: (ctx, caller) => getPolicy(ctx, caller, 'x') },
  { name: 'listOrgUnits', minimum: 'viewer', call: (ctx, caller) => listOrgUnits(ctx, caller) },
  { name: 'getEnrolmentAgent', minimum: 'viewer', call: (ctx, caller) => getEnrolmentAgent(ctx, caller) },
  { name: 'listEnrolmentTokens', minimum: 'viewer', call: (ctx, caller) => listEnrolmentTokens(ctx, caller) },
  { name: 'getProvisioningPayload', minimum: 'viewer', call: (ctx, caller) => getProvisioningPayload(ctx, caller, 'x') },
  { name: 'getProvisioningPng', minimum: 'viewer', call: (ctx, caller) => getProvisioningPng(ctx, caller, 'x') },
  { name: 'listAuditEvents', minimum: 'viewer', call: (ctx, caller) => listAuditEvents(ctx, caller, {}) },
  { name: 'updateDevice', minimum: 'operator', call: (ctx, caller) => updateDevice(ctx, caller, 'x', { policyId: null }) },
  { name: 'sendDeviceCommand', minimum: 'operator', call: (ctx, caller) => sendDeviceCommand(ctx, caller, 'x', { type: 'reboot' }) },
  {
    name: 'uploadApp',
    minimum: 'admin',
    call: (ctx, caller) => uploadApp(ctx, caller, { body: Readable.from([Buffer.from('x')]), fileName: undefined, declaredBytes: 1 }),
  },
  { name: 'createPolicy', minimum: 'admin', call: (ctx, caller) => createPolicy(ctx, caller, { name: 'p' }) },
  { name: 'updatePolicy', minimum: 'admin', call: (ctx, caller) => updatePolicy(ctx, caller, 'x', { name: 'p' }) },
  { name: 'deletePolicy', minimum: 'admin', call: (ctx, caller) => deletePolicy(ctx, caller, 'x') },
  { name: 'createOrgUnit', minimum: 'admin', call: (ctx, caller) => createOrgUnit(ctx, caller, { name: 'u' }) },
  { name: 'setEnrolmentAgent', minimum: 'admin', call: (ctx, caller) => setEnrolmentAgent(ctx, caller, { appVersionId: 'x' }) },
  { name: 'createEnrolmentToken', minimum: 'admin', call: (ctx, caller) => createEnrolmentToken(ctx, caller, { policyId: 'x' }) },
  { name: 'revokeEnrolmentToken', minimum: 'admin', call: (ctx, caller) => revokeEnrolmentToken(ctx, caller, 'x') },
  { name: 'listUsers', minimum: 'admin', call: (ctx, caller) => listUsers(ctx, caller) },
  {
    name: 'createUser',
    minimum: 'admin',
    call: (ctx, caller) => createUser(ctx, caller, { username: 'u', password: 'long-enough-1', role: 'viewer' }),
  },
];

const LOWER_ROLES: Record<ConsoleRole, ConsoleRole[]> = { viewer: [], operator: ['viewer'], admin: ['viewer', 'operator'] };

describe('service authorisation', () => {
  for (const service of SERVICES) {
    for (const role of LOWER_ROLES[service.minimum]) {
      it(`${service.name} rejects a ${role} before touching ctx`, async () => {
        const caller: Caller = { userId: 'u1', username: `a-${role}`, role };

        await expect(service.call(untouchableContext(), caller)).rejects.toBeInstanceOf(ForbiddenError);
      });
    }

    it(`${service.name} lets a ${service.minimum} past the role check`, async () => {
      const caller: Caller = { userId: 'u1', username: 'allowed', role: service.minimum };

      await expect(service.call(untouchableContext(), caller)).rejects.toThrow(/before checking the role/);
    });
  }
});
