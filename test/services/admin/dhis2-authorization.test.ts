import { describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import type { AppContext } from '../../../src/context.js';
import type { ConsoleRole } from '../../../src/domain/roles.js';
import { getApkDistribution, saveApkSettings, writeApkDistribution } from '../../../src/services/admin/dhis2-apk.js';
import { getAttentionList } from '../../../src/services/admin/dhis2-attention.js';
import { deleteDhis2Connection, getDhis2Connection, saveDhis2Connection, testDhis2Connection } from '../../../src/services/admin/dhis2-connection.js';
import { startDhis2Sync } from '../../../src/services/admin/dhis2-sync.js';
import { getSyncRun, getSyncStatus, listSyncRuns, saveSyncSettings } from '../../../src/services/admin/dhis2-sync-status.js';
import { untouchableContext } from './support/context.js';

type ServiceCall = (ctx: AppContext, caller: Caller) => Promise<unknown>;

// Every DHIS2 service checks the role (and, for changes, a fleet-wide scope)
// before it touches the context, which throws on any use here.
const SERVICES: Array<{ name: string; minimum: ConsoleRole; fleetOnly: boolean; call: ServiceCall }> = [
  { name: 'getDhis2Connection', minimum: 'viewer', fleetOnly: false, call: (ctx, caller) => getDhis2Connection(ctx, caller) },
  { name: 'saveDhis2Connection', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => saveDhis2Connection(ctx, caller, { baseUrl: 'https://x.org', token: 't' }) },
  { name: 'deleteDhis2Connection', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => deleteDhis2Connection(ctx, caller) },
  { name: 'testDhis2Connection', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => testDhis2Connection(ctx, caller, {}) },
  { name: 'getSyncStatus', minimum: 'viewer', fleetOnly: false, call: (ctx, caller) => getSyncStatus(ctx, caller) },
  { name: 'listSyncRuns', minimum: 'viewer', fleetOnly: false, call: (ctx, caller) => listSyncRuns(ctx, caller) },
  { name: 'getSyncRun', minimum: 'viewer', fleetOnly: false, call: (ctx, caller) => getSyncRun(ctx, caller, 'x') },
  { name: 'saveSyncSettings', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => saveSyncSettings(ctx, caller, { enabled: true, intervalMinutes: 60 }) },
  { name: 'startDhis2Sync', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => startDhis2Sync(ctx, caller) },
  { name: 'getAttentionList', minimum: 'viewer', fleetOnly: false, call: (ctx, caller) => getAttentionList(ctx, caller) },
  { name: 'getApkDistribution', minimum: 'viewer', fleetOnly: false, call: (ctx, caller) => getApkDistribution(ctx, caller) },
  { name: 'saveApkSettings', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => saveApkSettings(ctx, caller, { writeEnabled: true, links: [] }) },
  { name: 'writeApkDistribution', minimum: 'admin', fleetOnly: true, call: (ctx, caller) => writeApkDistribution(ctx, caller, {}) },
];

const below: Record<ConsoleRole, ConsoleRole | null> = { viewer: null, operator: 'viewer', admin: 'operator' };

describe('DHIS2 service authorization', () => {
  for (const service of SERVICES) {
    const lower = below[service.minimum];
    if (lower) {
      it(`${service.name} rejects the ${lower} role first`, async () => {
        const caller: Caller = { userId: 'u', username: 'low', role: lower };
        await expect(service.call(untouchableContext(), caller)).rejects.toThrow(`requires the ${service.minimum} role`);
      });
    }
    if (service.fleetOnly) {
      it(`${service.name} rejects an admin limited to some org units`, async () => {
        const caller: Caller = { userId: 'u', username: 'district-admin', role: 'admin', scope: { kind: 'units', units: [{ id: 'O6uvpzGd5pu', path: '/O6uvpzGd5pu/' }] } };
        await expect(service.call(untouchableContext(), caller)).rejects.toThrow(/sees the whole fleet/);
      });
    }
  }
});
