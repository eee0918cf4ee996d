import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dialectOf, migrateToLatest, type Db } from '../../src/store/database.js';
import { newId } from '../../src/store/ids.js';
import { createStore, type Store } from '../../src/store/store.js';

export interface OpenedDatabase {
  db: Db;
  cleanup(): Promise<void>;
}

const NOW = 1_764_800_000_000;

async function insertDevice(
  store: Store,
  values: { deviceId: string; serial?: string; imei?: string; policyId?: string; model?: string; lastContactAt?: number },
) {
  const id = newId();
  await store.devices.insert({
    id,
    device_id: values.deviceId,
    serial: values.serial ?? null,
    imei: values.imei ?? null,
    imei2: null,
    model: values.model ?? null,
    android_version: null,
    sdk_level: null,
    cpu: null,
    agent_package: null,
    agent_version: null,
    launcher_type: null,
    mdm_mode: null,
    battery_level: null,
    battery_charging: null,
    policy_id: values.policyId ?? null,
    org_unit_id: null,
    enrolment_generation: 1,
    enrolment_token_id: null,
    enrolled_at: NOW,
    last_contact_at: values.lastContactAt ?? null,
    last_config_at: null,
    last_info_at: null,
    last_lat: null,
    last_lon: null,
    last_location_at: null,
    external_ip: null,
    info_json: null,
    created_at: NOW,
    updated_at: NOW,
  });
  return id;
}

async function insertAppVersion(store: Store, appId: string, versionCode: number, versionName: string) {
  const id = newId();
  await store.apps.insertVersion({
    id,
    app_id: appId,
    version_code: versionCode,
    version_name: versionName,
    min_sdk: 21,
    target_sdk: 34,
    label: 'App',
    size: 1000,
    file_sha256: `${versionCode}`.padStart(64, '0'),
    signer_sha256: 'ab'.repeat(32),
    signature_schemes: 'v2',
    blob_key: `${versionCode}.apk`,
    file_name: `app-${versionCode}.apk`,
    created_at: NOW,
    created_by: null,
  });
  return id;
}

/**
 * Runs the same repository cases against one backend. Each backend's test
 * file opens a fresh database and calls this.
 */
export function describeRepositoryConformance(name: string, open: () => Promise<OpenedDatabase>): void {
  describe(`repositories on ${name}`, () => {
    let opened: OpenedDatabase;
    let store: Store;

    beforeAll(async () => {
      opened = await open();
      await migrateToLatest(opened.db);
      store = createStore(opened.db);
    });

    afterAll(async () => {
      await opened?.cleanup();
    });

    it('devices round-trip and find by hardware id', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-1', serial: 'SER1', imei: '356938035643809' });
      await store.devices.update(pk, { battery_level: 77, last_contact_at: NOW + 5 });

      const byId = await store.devices.findByDeviceId('phone-1');
      expect(byId?.id).toBe(pk);
      expect(byId?.battery_level).toBe(77);
      expect(byId?.last_contact_at).toBe(NOW + 5);
      expect(typeof byId?.enrolled_at).toBe('number');
      expect((await store.devices.findByHardwareId(['356938035643809']))?.id).toBe(pk);
      expect((await store.devices.findByHardwareId(['SER1']))?.id).toBe(pk);
      expect(await store.devices.findByHardwareId(['nothing'])).toBeUndefined();
      expect(await store.devices.findByHardwareId([])).toBeUndefined();
    });

    it('installed apps upsert per package', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-apps' });
      await store.devices.saveInstalledApps(pk, [{ packageName: 'com.dhis2', versionName: '2.9' }], NOW);
      await store.devices.saveInstalledApps(pk, [{ packageName: 'com.dhis2', versionName: '3.0' }], NOW + 1);

      const apps = await store.devices.listInstalledApps(pk);
      expect(apps).toHaveLength(1);
      expect(apps[0]?.version_name).toBe('3.0');
      expect(apps[0]?.reported_at).toBe(NOW + 1);
    });

    it('locations keep a repeated fix once', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-gps' });
      const fix = { takenAt: NOW, lat: 8.48, lon: -13.23 };
      await store.locations.append(pk, fix, NOW + 10);
      await store.locations.append(pk, fix, NOW + 20);
      await store.locations.append(pk, { ...fix, takenAt: NOW - 60_000 }, NOW + 30);

      const fixes = await store.locations.listForDevice(pk, 0, NOW * 2, 10);
      expect(fixes.map((row) => row.taken_at)).toEqual([NOW, NOW - 60_000]);
      expect(fixes[0]?.lat).toBeCloseTo(8.48);
    });

    it('app versions order by versionCode numerically', async () => {
      const appId = newId();
      await store.apps.insertApp({ id: appId, packageName: 'org.example.order', label: null });
      await insertAppVersion(store, appId, 9, '1.9');
      await insertAppVersion(store, appId, 100, '2.3.1-rc1');
      await insertAppVersion(store, appId, 10, '1.10');

      const versions = await store.apps.listVersions(appId);
      expect(versions.map((version) => version.version_code)).toEqual([100, 10, 9]);
      expect((await store.apps.findVersionBySha256('9'.padStart(64, '0')))?.version_name).toBe('1.9');
    });

    it('policies save a new version each time', async () => {
      const appId = newId();
      await store.apps.insertApp({ id: appId, packageName: 'com.dhis2.conformance', label: null });
      const versionId = await insertAppVersion(store, appId, 5000, '5.0');
      const policyId = newId();
      const policy = { id: policyId, name: 'Équipe "Nord", Kénéba & Co', description: '', settingsJson: '{}' };
      const app = { packageName: 'com.dhis2.conformance', appVersionId: versionId, action: 'install' as const, showIcon: true, runAfterInstall: false, screenOrder: null };

      expect(await store.policies.save(policy, [app], 'admin')).toBe(1);
      expect(await store.policies.save(policy, [], 'admin')).toBe(2);

      expect((await store.policies.findById(policyId))?.name).toBe(policy.name);
      expect(await store.policies.listApps(policyId)).toEqual([]);
      expect((await store.policies.listVersions(policyId)).map((row) => row.version)).toEqual([2, 1]);
    });

    it('enrolment token uses run out', async () => {
      const policyId = newId();
      await store.policies.save({ id: policyId, name: `p-${policyId}`, description: '', settingsJson: '{}' }, [], null);
      await store.enrolment.insert({ id: 'token-1', policyId, orgUnitId: null, presetDeviceId: null, label: '', expiresAt: null, usesLeft: 2, createdBy: null });

      expect(await store.enrolment.consumeUse('token-1')).toBe(true);
      expect(await store.enrolment.consumeUse('token-1')).toBe(true);
      expect(await store.enrolment.consumeUse('token-1')).toBe(false);
      expect((await store.enrolment.findById('token-1'))?.uses_left).toBe(0);
    });

    it('commands stay with their generation', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-cmd' });
      const old = await store.commands.insert({ devicePk: pk, generation: 1, type: 'reboot', createdBy: 'admin' }, NOW);
      await store.commands.insert({ devicePk: pk, generation: 1, type: 'lock', createdBy: 'admin', expiresAt: NOW + 1 }, NOW);

      expect((await store.commands.listOpen(pk, 1, NOW)).map((row) => row.type)).toEqual(['reboot', 'lock']);
      expect((await store.commands.listOpen(pk, 1, NOW + 2)).map((row) => row.type)).toEqual(['reboot']);

      await store.commands.markSent([old], NOW);
      await store.commands.expireOtherGenerations(pk, 2, NOW);
      expect(await store.commands.listOpen(pk, 1, NOW)).toEqual([]);
      expect((await store.commands.listForDevice(pk, 10)).find((row) => row.id === old)?.state).toBe('expired');
    });

    it('commands move to confirmed once', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-confirm' });
      await store.commands.insert({ devicePk: pk, generation: 1, type: 'reboot', createdBy: null }, NOW);

      expect(await store.commands.transitionOpen(pk, 1, ['reboot'], 'confirmed', NOW)).toBe(1);
      expect(await store.commands.transitionOpen(pk, 1, ['reboot'], 'confirmed', NOW)).toBe(0);
    });

    it('audit lists newest first with a cursor', async () => {
      for (let index = 0; index < 5; index += 1) {
        await store.audit.record({ actor: 'admin', action: `test.${index}`, targetType: 'test' }, NOW + index);
      }
      const first = await store.audit.list(2);
      expect(first.map((row) => row.action)).toEqual(['test.4', 'test.3']);

      const last = first[1]!;
      const next = await store.audit.list(2, { at: last.at, id: last.id });
      expect(next.map((row) => row.action)).toEqual(['test.2', 'test.1']);
    });

    it('users and sessions round-trip', async () => {
      await store.users.insert({ id: 'u-1', username: 'district', passwordHash: 'hash', role: 'viewer' });
      await store.users.insertSession({ idHash: 'h1', userId: 'u-1', csrfToken: 'c', expiresAt: NOW - 1 });

      expect((await store.users.findByUsername('district'))?.role).toBe('viewer');
      expect((await store.users.findSession('h1'))?.csrf_token).toBe('c');
      await store.users.deleteExpiredSessions(NOW);
      expect(await store.users.findSession('h1')).toBeUndefined();
    });

    it('settings upsert by key', async () => {
      await store.settings.set('enrolment.agent', { appVersionId: 'a' });
      await store.settings.set('enrolment.agent', { appVersionId: 'b' });
      expect(await store.settings.get('enrolment.agent')).toEqual({ appVersionId: 'b' });
      expect(await store.settings.get('missing')).toBeUndefined();
    });

    it('org units derive path and level', async () => {
      await store.orgUnits.insert({ id: 'sl', name: 'Sierra Leone', parentId: null });
      await store.orgUnits.insert({ id: 'bo', name: 'Bo', parentId: 'sl' });
      const bo = await store.orgUnits.findById('bo');
      expect(bo?.path).toBe('/sl/bo/');
      expect(bo?.level).toBe(2);
    });

    it('device logs follow policy rules', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-log' });
      await store.deviceLogs.insertRule({ policyId: null, packageName: 'com.dhis2', logLevel: 3, filter: '' });
      await store.deviceLogs.append(pk, [{ loggedAt: NOW, logLevel: 4, packageName: 'com.dhis2', message: 'sync failed' }], NOW);

      expect((await store.deviceLogs.listRules(null)).map((rule) => rule.package_name)).toContain('com.dhis2');
      expect((await store.deviceLogs.listForDevice(pk, 5))[0]?.message).toBe('sync failed');
    });

    it('device search ignores case and wildcards', async () => {
      await insertDevice(store, { deviceId: 'search-1', model: 'Pixel 6a' });
      await insertDevice(store, { deviceId: 'search-2', model: 'TECNO 100%_X' });
      await insertDevice(store, { deviceId: 'search-3', model: 'TECNO 1000X' });
      const search = async (text: string) => {
        const rows = await store.devices.listPageByStableKey({ sort: 'device_id', order: 'asc', search: text, after: null, limit: 10 });
        return rows.map((row) => row.device_id).filter((id) => id.startsWith('search-'));
      };

      expect(await search('pixel')).toEqual(['search-1']);
      expect(await search('SEARCH-2')).toEqual(['search-2']);
      expect(await search('tecno')).toEqual(['search-2', 'search-3']);
      expect(await search('tecno 100%_')).toEqual(['search-2']);
      expect(await search('TECNO 10_')).toEqual([]);
      // A word inside a value matches from its start, and its wildcards only themselves.
      expect(await search('100%')).toEqual(['search-2']);
      expect(await search('10%')).toEqual([]);
    });

    it('device list pages keep their order as devices report', async () => {
      const snap1 = await insertDevice(store, { deviceId: 'snap-1', model: 'Snapshot', lastContactAt: NOW - 30 });
      await insertDevice(store, { deviceId: 'snap-2', model: 'Snapshot', lastContactAt: NOW - 10 });
      await insertDevice(store, { deviceId: 'snap-3', model: 'Snapshot' });
      const snap4 = await insertDevice(store, { deviceId: 'snap-4', model: 'Snapshot', lastContactAt: NOW - 20 });
      // The change log compares with the database's clock, so the list stays open in real time.
      const asOfChange = await store.devices.openChangeLog(Date.now() + 60_000);
      const page = (after: { value: string | number | null; id: string } | null) =>
        store.devices.listPage({ sort: 'last_contact_at', order: 'desc', search: 'snapshot', after, limit: 2, asOfChange });

      const first = await page(null);
      // snap-1 reports and snap-4 loses its contact time; the list keeps their first-page order.
      await store.devices.update(snap1, { last_contact_at: NOW + 1000 });
      await store.devices.update(snap4, { last_contact_at: null });
      const last = first[1]!;
      const second = await page({ value: last.sort_value, id: last.id });

      expect(first.map((row) => row.device_id)).toEqual(['snap-2', 'snap-4']);
      expect(second.map((row) => row.device_id)).toEqual(['snap-1', 'snap-3']);
      expect(second.map((row) => row.sort_value)).toEqual([NOW - 30, null]);
      expect(second[0]?.last_contact_at).toBe(NOW + 1000);
      expect(await store.devices.purgeListSnapshots(Date.now() + 60_000)).toBe(2);
    });

    it('text with NUL characters round-trips', async () => {
      const pk = await insertDevice(store, { deviceId: 'nul\u0000phone', model: 'Model\u0000X' });

      const found = await store.devices.findByDeviceId('nul\u0000phone');
      expect(found?.id).toBe(pk);
      expect(found?.model?.startsWith('Model')).toBe(true);
    });

    it('installed apps keep the last of a repeated package', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-repeated-apps' });

      await store.devices.saveInstalledApps(
        pk,
        [
          { packageName: 'com.dhis2', versionName: '2.9' },
          { packageName: 'org.odk', versionName: '1.0' },
          { packageName: 'com.dhis2', versionName: '3.0' },
        ],
        NOW,
      );

      const apps = await store.devices.listInstalledApps(pk);
      expect(apps.map((app) => [app.package_name, app.version_name])).toEqual([
        ['com.dhis2', '3.0'],
        ['org.odk', '1.0'],
      ]);
    });

    it('concurrent policy saves get consecutive versions', async () => {
      const policyId = newId();
      const policy = { id: policyId, name: `concurrent-${policyId}`, description: '', settingsJson: '{}' };
      await store.policies.save(policy, [], null);

      const versions = await Promise.all(Array.from({ length: 5 }, () => store.policies.save(policy, [], null)));

      expect([...versions].sort()).toEqual([2, 3, 4, 5, 6]);
      expect((await store.policies.findById(policyId))?.version).toBe(6);
    });

    it('concurrent queueing keeps one open command per type', async () => {
      const pk = await insertDevice(store, { deviceId: 'phone-queue-race' });

      const ids = await Promise.all(
        Array.from({ length: 5 }, (_, index) =>
          store.commands.queueOrUpdateOpen({ devicePk: pk, generation: 1, type: 'lock', payload: { index }, createdBy: null }, NOW),
        ),
      );

      expect(new Set(ids).size).toBe(1);
      expect(await store.commands.listOpen(pk, 1, NOW)).toHaveLength(1);
    });

    it('transactions report their dialect', async () => {
      const inside = await opened.db.transaction().execute(async (trx) => dialectOf(trx));

      expect(inside).toBe(dialectOf(opened.db));
    });

    it('fleet counts are numbers', async () => {
      const counts = await store.devices.countFleet(NOW - 60_000, NOW - 60_000);

      for (const value of Object.values(counts)) expect(typeof value).toBe('number');
      expect(typeof (await store.users.count())).toBe('number');
    });
  });
}
