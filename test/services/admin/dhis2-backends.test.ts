import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import type { Caller } from '../../../src/auth/caller.js';
import { BlobStore } from '../../../src/blobs/blob-store.js';
import { loadConfig } from '../../../src/config.js';
import type { AppContext } from '../../../src/context.js';
import { getAttentionList } from '../../../src/services/admin/dhis2-attention.js';
import { saveDhis2Connection } from '../../../src/services/admin/dhis2-connection.js';
import { runDhis2Sync } from '../../../src/services/admin/dhis2-sync.js';
import { createStore } from '../../../src/store/store.js';
import { BACKENDS, type SharedDatabase } from '../../jobs/backends.js';
import { insertDevice } from '../../admin-api/support/devices.js';
import { startDhis2Standin, type Dhis2Standin } from '../../support/dhis2-standin.js';

// The sync and the attention list on each database the repository
// conformance suite uses: SQLite, and PostgreSQL (or PGlite without one).

const admin: Caller = { userId: 'u1', username: 'alice', role: 'admin' };

describe.each(BACKENDS)('DHIS2 sync on $name', (backend) => {
  let shared: SharedDatabase;
  let dhis2: Dhis2Standin;
  let dataDir: string;

  afterEach(async () => {
    await dhis2?.close();
    await shared?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('syncs, changes nothing the second time, and flags a disabled user', async () => {
    shared = await backend.open();
    dhis2 = await startDhis2Standin({ orgUnits: 2_000, users: 300 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-dhis2-backend-'));
    const ctx: AppContext = {
      config: loadConfig({ dataDir, publicUrl: 'https://mdm.example.org', port: 0 }, {}),
      logger: pino({ level: 'silent' }),
      store: createStore(shared.first),
      blobs: new BlobStore(path.join(dataDir, 'blobs')),
      push: { notify: () => {}, waitForMessages: async () => [], openPollCount: () => 0, close: () => {} },
      now: Date.now,
    };
    await saveDhis2Connection(ctx, admin, { baseUrl: dhis2.url, token: dhis2.token });

    const first = await runDhis2Sync(ctx, { trigger: 'manual', actor: 'test' });
    expect(first.error).toBeNull();
    expect(first).toMatchObject({ units: { added: 2_000 }, users: { added: 300 } });
    const second = await runDhis2Sync(ctx, { trigger: 'manual', actor: 'test' });
    expect([second.units, second.users, second.groups]).toEqual(Array(3).fill({ added: 0, changed: 0, removed: 0 }));

    const worker = dhis2.users[120]!;
    const unit = worker.orgUnitIds[0]!;
    const pk = await insertDevice(ctx, { device_id: 'pg-phone', org_unit_id: unit });
    await ctx.store.assignments.setDeviceUser(pk, worker.id, Date.now());
    dhis2.disableUser(worker.id);
    await runDhis2Sync(ctx, { trigger: 'manual', actor: 'test' });

    const unitPath = (await ctx.store.orgUnits.findById(unit))!.path;
    const scoped: Caller = { ...admin, scope: { kind: 'units', units: [{ id: unit, path: unitPath }] } };
    const attention = await getAttentionList(ctx, scoped);
    expect(attention.inactiveUser.items.map((device) => device.deviceId)).toEqual(['pg-phone']);
    const others = dhis2.users.filter((user) => user.orgUnitIds.includes(unit) && user.id !== worker.id && !user.disabled);
    expect(attention.noDevice.total).toBe(others.length);

    // orgUnitId narrows every section to a subtree, and never widens a scope.
    const elsewhere = dhis2.orgUnits.find((candidate) => candidate.level === 4 && !unitPath.includes(`/${candidate.id}/`))!;
    expect((await getAttentionList(ctx, admin, { orgUnitId: unit })).inactiveUser.total).toBe(1);
    expect((await getAttentionList(ctx, admin, { orgUnitId: elsewhere.id })).inactiveUser.total).toBe(0);
    const outside = await getAttentionList(ctx, scoped, { orgUnitId: elsewhere.id });
    expect([outside.inactiveUser.total, outside.noUser.total, outside.noDevice.total]).toEqual([0, 0, 0]);
    const root = dhis2.orgUnits[0]!.id;
    expect((await getAttentionList(ctx, scoped, { orgUnitId: root })).noDevice.total).toBe(others.length);
  }, 60_000);
});
