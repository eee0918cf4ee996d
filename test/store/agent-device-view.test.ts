import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { migrateToLatest, type Db } from '../../src/store/database.js';
import { newId } from '../../src/store/ids.js';
import { createStore, type Store } from '../../src/store/store.js';
import { DATABASE_BACKENDS } from '../support/database-backends.js';

// The one-query device read of agent requests, and the configuration
// generation that triggers raise on each backend.

const NOW = 1_764_800_000_000;

async function insertDevice(db: Db, deviceId: string, policyId: string | null): Promise<string> {
  const id = newId();
  await db
    .insertInto('devices')
    .values({ id, device_id: deviceId, policy_id: policyId, enrolment_generation: 1, enrolled_at: NOW, created_at: NOW, updated_at: NOW } as never)
    .execute();
  return id;
}

for (const backend of DATABASE_BACKENDS) {
  describe(`agent device view on ${backend.name}`, () => {
    let db: Db;
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ db, cleanup } = await backend.open());
      await migrateToLatest(db);
      store = createStore(db);
    }, 60_000);
    afterAll(async () => {
      await cleanup?.();
    });

    const generation = async (deviceId: string) => (await store.devices.findForAgent(deviceId, NOW))!.configGeneration;

    it('returns the device alone when nothing else is stored', async () => {
      const devicePk = await insertDevice(db, 'view-plain', null);
      const view = await store.devices.findForAgent('view-plain', NOW);

      expect(view?.device.id).toBe(devicePk);
      expect(view?.device).toEqual(await store.devices.findByPk(devicePk));
      expect(view?.overrides).toBeNull();
      expect(view?.policyState).toBeNull();
      expect(view?.hasOpenCommands).toBe(false);
      expect(await store.devices.findForAgent('view-missing', NOW)).toBeUndefined();
    });

    it('reads overrides, policy state and open commands', async () => {
      const devicePk = await insertDevice(db, 'view-full', null);
      await store.deviceOverrides.save(devicePk, '{"gps":"on"}', 'test', NOW);
      await store.policyState.recordFetch(devicePk, { policyId: null, policyVersion: null, overrideRevision: 1, appsJson: '[]' }, NOW);
      await store.commands.insert({ devicePk, generation: 1, type: 'reboot', createdBy: 'test' }, NOW);

      const view = await store.devices.findForAgent('view-full', NOW);
      expect(view?.overrides?.settingsJson).toBe('{"gps":"on"}');
      expect(view?.overrides?.revision).toBe(1);
      expect(view?.policyState?.fetched_apps_json).toBe('[]');
      expect(Number(view?.policyState?.fetched_at)).toBe(NOW);
      expect(view?.hasOpenCommands).toBe(true);
      expect(view?.device).not.toHaveProperty('fetched_at');
    });

    it('ignores expired commands and those of an earlier enrolment', async () => {
      const devicePk = await insertDevice(db, 'view-expired', null);
      await store.commands.insert({ devicePk, generation: 1, type: 'reboot', createdBy: 'test', expiresAt: NOW - 1 }, NOW - 10);
      await store.commands.insert({ devicePk, generation: 0, type: 'reboot', createdBy: 'test' }, NOW);

      expect((await store.devices.findForAgent('view-expired', NOW))?.hasOpenCommands).toBe(false);
    });

    it('raises the generation on writes to configuration sources', async () => {
      await insertDevice(db, 'view-generation', null);
      const policyId = newId();
      const appId = newId();

      const start = await generation('view-generation');
      await store.policies.save({ id: policyId, name: `gen-${policyId}`, description: '', settingsJson: '{}' }, [], 'test', NOW);
      const afterPolicy = await generation('view-generation');
      expect(afterPolicy).toBeGreaterThan(start);

      await store.apps.insertApp({ id: appId, packageName: `org.gen.${appId}`, label: null }, NOW);
      const afterApp = await generation('view-generation');
      expect(afterApp).toBeGreaterThan(afterPolicy);

      await store.apps.updateAppLabel(appId, 'Renamed');
      const afterLabel = await generation('view-generation');
      expect(afterLabel).toBeGreaterThan(afterApp);

      await db
        .insertInto('app_pins')
        .values({ id: newId(), package_name: `org.gen.${appId}`, max_version_code: 1, scope_json: '{}', reason: 'test', created_at: NOW, created_by: null })
        .execute();
      const afterPin = await generation('view-generation');
      expect(afterPin).toBeGreaterThan(afterLabel);

      // A device write is no configuration source.
      await store.devices.update((await store.devices.findByDeviceId('view-generation'))!.id, { last_contact_at: NOW });
      expect(await generation('view-generation')).toBe(afterPin);
    });
  });
}
