// The org-unit scope filter and the scope, assignment and policy-source
// columns, against SQLite and PostgreSQL (a server when
// OUTPOST_TEST_DATABASE_URL is set, in-process PGlite otherwise).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateToLatest } from '../../src/store/database.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DATABASE_BACKENDS } from '../support/database-backends.js';

const backends = DATABASE_BACKENDS;

const NOW = 1_700_000_000_000;

describe.each(backends)('scopes and assignments on $name', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await migrateToLatest(opened.db);
    store = createStore(opened.db);

    // Unit ids with '_' and '%' would be LIKE wildcards; the filter must take them literally.
    for (const [id, parentId] of [['root', null], ['dist_1', 'root'], ['distX1', 'root'], ['dist_1-clinic', 'dist_1']] as const) {
      await store.orgUnits.insert({ id, name: id, parentId }, NOW);
    }
    const device = (id: string, orgUnitId: string | null) =>
      store.devices.insert({ id, device_id: id, org_unit_id: orgUnitId, enrolment_generation: 1, enrolled_at: NOW, created_at: NOW, updated_at: NOW });
    await device('in-district', 'dist_1');
    await device('in-clinic', 'dist_1-clinic');
    await device('look-alike', 'distX1');
    await device('no-unit', null);
  });
  afterAll(async () => {
    await cleanup();
  });

  const listed = async (paths: string[] | null) => {
    const rows = await store.devices.listPageByStableKey({
      sort: 'device_id',
      order: 'asc',
      search: null,
      after: null,
      limit: 100,
      filter: { scope: paths === null ? null : { paths } },
    });
    return rows.map((row) => row.id);
  };

  it('filters devices by subtree path', async () => {
    expect(await listed(['/root/dist_1/'])).toEqual(['in-clinic', 'in-district']);
    expect(await listed(['/root/dist_1/dist_1-clinic/'])).toEqual(['in-clinic']);
    expect(await listed(['/root/'])).toEqual(['in-clinic', 'in-district', 'look-alike']);
    expect(await listed([])).toEqual([]);
    expect(await listed(null)).toEqual(['in-clinic', 'in-district', 'look-alike', 'no-unit']);
  });

  it('pages a changing sort within the scope', async () => {
    const asOfChange = await store.devices.openChangeLog(Date.now() + 60_000);
    const page = async (paths: string[]) =>
      store.devices.listPage({ sort: 'model', order: 'asc', search: null, filter: { scope: { paths } }, after: null, limit: 10, asOfChange });

    expect((await page(['/root/dist_1/'])).map((row) => row.id).sort()).toEqual(['in-clinic', 'in-district']);
    expect((await page(['/root/dist_1/dist_1-clinic/'])).map((row) => row.id)).toEqual(['in-clinic']);
  });

  it('lists the audit events a scoped user may see', async () => {
    await store.audit.record({ actor: 'someone', action: 'device.update', targetType: 'device', targetId: 'in-clinic' }, NOW);
    await store.audit.record({ actor: 'someone', action: 'device.update', targetType: 'device', targetId: 'look-alike' }, NOW + 1);
    await store.audit.record({ actor: 'district', action: 'auth.login', targetType: 'user', targetId: 'u1' }, NOW + 2);

    const events = await store.audit.list(10, undefined, { scope: { paths: ['/root/dist_1/'] }, actor: 'district' });

    expect(events.map((event) => event.target_id)).toEqual(['u1', 'in-clinic']);
  });

  it('counts the fleet within the scope', async () => {
    expect((await store.devices.countFleet(0, 0, { paths: ['/root/dist_1/'] })).total).toBe(2);
    expect((await store.devices.countFleet(0, 0, null)).total).toBe(4);
  });

  it('replaces a user scope', async () => {
    await store.users.insert({ id: 'u1', username: 'district', passwordHash: 'hash', role: 'viewer' }, NOW);
    await store.users.replaceScopes('u1', ['dist_1', 'distX1', 'dist_1'], NOW);
    // Sorted here, because the two databases may collate '_' and 'X' differently.
    expect((await store.users.listScopeUnitIds('u1')).sort()).toEqual(['distX1', 'dist_1'].sort());

    await store.users.replaceScopes('u1', [], NOW);
    expect(await store.users.listScopeUnitIds('u1')).toEqual([]);
    expect((await store.users.findById('u1'))?.auth_source).toBe('local');
  });

  it('stores unit policies and reads device policy inputs', async () => {
    const policyId = 'policy-1';
    await store.db
      .insertInto('policies')
      .values({ id: policyId, name: 'P', description: '', settings_json: '{}', version: 1, created_at: NOW, updated_at: NOW })
      .execute();
    await store.orgUnitPolicies.set('dist_1', policyId, 'admin', NOW);
    await store.orgUnitPolicies.set('dist_1', policyId, 'admin', NOW + 1);

    expect(await store.orgUnitPolicies.mapAll()).toEqual(new Map([['dist_1', policyId]]));
    const inputs = await store.orgUnitPolicies.listDeviceInputs({ subtreePath: '/root/dist_1/' });
    expect(inputs.map((row) => [row.id, row.org_unit_path])).toEqual([
      ['in-clinic', '/root/dist_1/dist_1-clinic/'],
      ['in-district', '/root/dist_1/'],
    ]);
  });

  it('lists assignment rows in scope', async () => {
    await store.assignments.setDeviceUser('in-district', 'UworkerUid1', NOW);
    const rows = await store.assignments.listForExport({ paths: ['/root/dist_1/'] });
    expect(rows.map((row) => [row.device_id, row.dhis2_user_id, row.org_unit_name])).toEqual([
      ['in-clinic', null, 'dist_1-clinic'],
      ['in-district', 'UworkerUid1', 'dist_1'],
    ]);
  });
});
