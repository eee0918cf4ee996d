import fs from 'node:fs';
import path from 'node:path';

import { migrateToLatest, openDatabase, type Db } from '../../src/store/database.js';
import { newId } from '../../src/store/ids.js';
import type { NewDevice } from '../../src/store/schema.js';
import { createStore, type Store } from '../../src/store/store.js';
import { deviceInfoTemplate, fillDeviceInfo } from './agent-requests.js';
import { deviceIdOf, imeiOf, modelOf, POLICY_APPS, programmePolicySettings, serialOf } from './fleet-shape.js';

export interface SeedOptions {
  devices: number;
  /** Devices are spread over this many policies; 1 puts the whole fleet on one. */
  policies: number;
  /** Location history rows per device, as earlier 15-minute reports left them. */
  locationsPerDevice: number;
}

export interface SeededFleet {
  dataDir: string;
  databaseFile: string;
  policyIds: string[];
  orgUnitIds: string[];
  seconds: number;
}

/** File name Outpost uses for its SQLite database inside the data folder. */
export const DATABASE_FILE_NAME = 'outpost.sqlite';

// Rows per INSERT statement. A device row has about 30 columns, and SQLite
// accepts at most 32,766 bound values per statement.
const DEVICE_ROWS_PER_INSERT = 500;
const SMALL_ROWS_PER_INSERT = 2000;
// District org units the devices are spread over, under one root.
const DISTRICTS = 20;
const REPORT_INTERVAL_MS = 15 * 60_000;

/**
 * Creates an Outpost data folder with a migrated SQLite database and a fleet
 * written straight through the store, one transaction per table: org
 * units, apps, policies, devices with their last report, installed apps and
 * location history. Every device has reported before, as in a running
 * programme.
 */
export async function seedFleet(dataDir: string, options: SeedOptions): Promise<SeededFleet> {
  const started = performance.now();
  fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true });
  const databaseFile = path.join(dataDir, DATABASE_FILE_NAME);
  const db = openDatabase(databaseFile);
  try {
    await migrateToLatest(db);
    const store = createStore(db);
    const now = Date.now();

    const orgUnitIds = await seedOrgUnits(store, now);
    const appVersionIds = await seedApps(store, now);
    const policyIds = await seedPolicies(store, options.policies, appVersionIds, now);
    const devicePks = await seedDevices(db, options.devices, policyIds, orgUnitIds, now);
    await seedInstalledApps(db, devicePks, now);
    await seedLocations(db, devicePks, options.locationsPerDevice, now);

    return { dataDir, databaseFile, policyIds, orgUnitIds, seconds: (performance.now() - started) / 1000 };
  } finally {
    await db.destroy();
  }
}

async function seedOrgUnits(store: Store, now: number): Promise<string[]> {
  const root = newId();
  await store.orgUnits.insert({ id: root, name: 'Bench programme', parentId: null }, now);
  const ids: string[] = [];
  for (let district = 1; district <= DISTRICTS; district += 1) {
    const id = newId();
    await store.orgUnits.insert({ id, name: `District ${district}`, parentId: root }, now);
    ids.push(id);
  }
  return ids;
}

async function seedApps(store: Store, now: number): Promise<Map<string, string>> {
  const versionIds = new Map<string, string>();
  for (const app of POLICY_APPS) {
    const appId = newId();
    await store.apps.insertApp({ id: appId, packageName: app.packageName, label: app.label }, now);

    const versionId = newId();
    const sha256 = Buffer.from(app.packageName.padEnd(32, '.')).toString('hex').slice(0, 64);
    await store.apps.insertVersion({
      id: versionId,
      app_id: appId,
      version_code: app.versionCode,
      version_name: app.versionName,
      min_sdk: 24,
      target_sdk: 34,
      label: app.label,
      size: 40 * 1024 * 1024,
      file_sha256: sha256,
      signer_sha256: 'ab'.repeat(32),
      signature_schemes: 'v2',
      // Configuration responses name the file, but these benchmarks never download it.
      blob_key: `${sha256}.apk`,
      file_name: `${app.packageName}-${app.versionCode}.apk`,
      created_at: now,
      created_by: 'bench',
    });
    versionIds.set(app.packageName, versionId);
  }
  return versionIds;
}

async function seedPolicies(store: Store, count: number, appVersionIds: Map<string, string>, now: number): Promise<string[]> {
  const apps = POLICY_APPS.map((app, index) => ({
    packageName: app.packageName,
    appVersionId: appVersionIds.get(app.packageName) ?? null,
    action: 'install' as const,
    showIcon: true,
    runAfterInstall: false,
    screenOrder: index,
  }));
  const settingsJson = JSON.stringify(programmePolicySettings());

  const ids: string[] = [];
  for (let index = 1; index <= count; index += 1) {
    const id = newId();
    await store.policies.save({ id, name: `Programme policy ${index}`, description: '', settingsJson }, apps, 'bench', now);
    ids.push(id);
  }
  return ids;
}

async function seedDevices(db: Db, count: number, policyIds: string[], orgUnitIds: string[], now: number): Promise<string[]> {
  const template = deviceInfoTemplate();
  const pks: string[] = [];

  await db.transaction().execute(async (trx) => {
    for (let first = 1; first <= count; first += DEVICE_ROWS_PER_INSERT) {
      const rows: NewDevice[] = [];
      for (let n = first; n < first + DEVICE_ROWS_PER_INSERT && n <= count; n += 1) {
        const pk = newId();
        pks.push(pk);
        rows.push(deviceRow(n, pk, template, policyIds, orgUnitIds, now));
      }
      await trx.insertInto('devices').values(rows).execute();
    }
  });
  return pks;
}

// One phone in ten offline, as in a field programme where some phones are
// switched off or out of coverage. Three hours is past the default offline
// threshold of two hours, so the list's offline filter has devices to find.
const OFFLINE_EVERY = 10;
const OFFLINE_FOR_MS = 3 * 60 * 60_000;

function deviceRow(n: number, pk: string, template: string, policyIds: string[], orgUnitIds: string[], now: number): NewDevice {
  const hardware = modelOf(n);
  // Spread the last contacts over one report interval, as a live fleet's
  // are, except one device in OFFLINE_EVERY, which went quiet hours ago.
  const quietFor = n % OFFLINE_EVERY === OFFLINE_EVERY - 1 ? OFFLINE_FOR_MS : 0;
  const lastContact = now - quietFor - (n % REPORT_INTERVAL_MS);
  const deviceId = deviceIdOf(n);
  return {
    id: pk,
    device_id: deviceId,
    serial: serialOf(n),
    imei: imeiOf(n),
    imei2: null,
    model: hardware.model,
    android_version: hardware.androidVersion,
    sdk_level: null,
    cpu: hardware.cpu,
    agent_package: 'com.hmdm.launcher',
    agent_version: '6.36',
    launcher_type: 'opensource',
    mdm_mode: 1,
    battery_level: n % 101,
    battery_charging: '',
    policy_id: policyIds[n % policyIds.length] ?? null,
    org_unit_id: orgUnitIds[n % orgUnitIds.length] ?? null,
    enrolment_generation: 1,
    enrolment_token_id: null,
    enrolled_at: now - 30 * 24 * 3_600_000 + n,
    last_contact_at: lastContact,
    last_config_at: lastContact,
    last_info_at: lastContact,
    last_lat: 0.348871,
    last_lon: 32.581906,
    last_location_at: lastContact,
    external_ip: '10.20.30.40',
    info_json: fillDeviceInfo(template, deviceId, n, lastContact),
    created_at: now - 30 * 24 * 3_600_000,
    updated_at: lastContact,
  };
}

async function seedInstalledApps(db: Db, devicePks: string[], now: number): Promise<void> {
  const rows = devicePks.flatMap((pk) =>
    POLICY_APPS.map((app) => ({ device_pk: pk, package_name: app.packageName, version_name: app.versionName, reported_at: now })),
  );
  await insertInBatches(db, rows, (trx, batch) => trx.insertInto('device_apps').values(batch).execute());
}

async function seedLocations(db: Db, devicePks: string[], perDevice: number, now: number): Promise<void> {
  const rows = [];
  for (const pk of devicePks) {
    for (let index = 1; index <= perDevice; index += 1) {
      const takenAt = now - index * REPORT_INTERVAL_MS;
      rows.push({ id: newId(), device_pk: pk, taken_at: takenAt, lat: 0.348871, lon: 32.581906, received_at: takenAt });
    }
  }
  await insertInBatches(db, rows, (trx, batch) => trx.insertInto('locations').values(batch).execute());
}

/** Inserts rows in one transaction, a few thousand per statement. */
async function insertInBatches<Row>(db: Db, rows: Row[], insert: (trx: Db, batch: Row[]) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += SMALL_ROWS_PER_INSERT) {
      await insert(trx, rows.slice(start, start + SMALL_ROWS_PER_INSERT));
    }
  });
}
