// Benchmark of the SQLite prepared-statement cache. It runs the statements
// of one config sync through the repositories, over Kysely's own SQLite
// dialect (a new prepared statement per query) and over Outpost's caching
// dialect, on the same seeded database file in the same process.
// Run: npx tsc -p bench/tsconfig.json && node dist/bench/bench/sqlite-statements.js

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';

import { openDatabase, type Db } from '../src/store/database.js';
import type { Database } from '../src/store/schema.js';
import { createStore, type Store } from '../src/store/store.js';
import { deviceIdOf } from './lib/fleet-shape.js';
import { describeMachine } from './lib/machine.js';
import { DATABASE_FILE_NAME, seedFleet } from './lib/seed.js';

const DEVICES = 10_000;
const ROUND_MS = 3_000;
const ROUNDS_EACH = 5;

/** Runs the reads and the contact write of one config sync for one device. */
async function syncStatements(store: Store, deviceId: string, now: number): Promise<void> {
  const device = await store.devices.findByDeviceId(deviceId);
  if (!device?.policy_id) throw new Error(`seeded device ${deviceId} has no policy`);

  await store.policies.findById(device.policy_id);
  for (const app of await store.policies.listApps(device.policy_id)) {
    if (app.app_version_id) await store.apps.findVersion(app.app_version_id);
    await store.apps.findAppByPackage(app.package_name);
  }
  await store.commands.listOpen(device.id, device.enrolment_generation, now);
  await store.rollouts.listByStates(['running', 'paused']);
  await store.devices.update(device.id, { last_contact_at: now, last_config_at: now });
}

/** Returns how many syncs' statements ran in ROUND_MS. */
async function round(store: Store): Promise<number> {
  const end = Date.now() + ROUND_MS;
  let done = 0;
  while (Date.now() < end) {
    await syncStatements(store, deviceIdOf((done % DEVICES) + 1), Date.now());
    done += 1;
  }
  return done / (ROUND_MS / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-statements-'));
  try {
    await seedFleet(dataDir, { devices: DEVICES, policies: 10, locationsPerDevice: 0 });
    const file = path.join(dataDir, DATABASE_FILE_NAME);

    const plainSqlite = new SqliteDatabase(file);
    plainSqlite.pragma('journal_mode = WAL');
    plainSqlite.pragma('synchronous = NORMAL');
    const plain: Db = new Kysely<Database>({ dialect: new SqliteDialect({ database: plainSqlite }) });
    const cached = openDatabase(`sqlite://${file}`);
    const stores = { plain: createStore(plain), cached: createStore(cached) };

    const rates: Record<'plain' | 'cached', number[]> = { plain: [], cached: [] };
    // One warm-up round each, then alternating rounds so drift hits both alike.
    await round(stores.plain);
    await round(stores.cached);
    for (let index = 0; index < ROUNDS_EACH; index += 1) {
      rates.plain.push(await round(stores.plain));
      rates.cached.push(await round(stores.cached));
    }
    await plain.destroy();
    await cached.destroy();

    const plainMedian = median(rates.plain);
    const cachedMedian = median(rates.cached);
    console.log(`machine: ${JSON.stringify(describeMachine())}`);
    console.log(`devices: ${DEVICES}, rounds: ${ROUNDS_EACH} x ${ROUND_MS} ms each`);
    console.log(`Kysely's dialect: ${plainMedian.toFixed(0)} syncs/s (${rates.plain.map((r) => r.toFixed(0)).join(', ')})`);
    console.log(`statement cache:  ${cachedMedian.toFixed(0)} syncs/s (${rates.cached.map((r) => r.toFixed(0)).join(', ')})`);
    console.log(`ratio cached / plain: ${(cachedMedian / plainMedian).toFixed(2)}`);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
