// Database size per fleet after months of device reports, on SQLite and
// PostgreSQL: `npx tsc -p bench/tsconfig.json && node dist/bench/bench/db-size.js
// [--devices N] [--days D] [--postgres URL]`. It fills a real database with the
// rows the agent's reports leave behind and prints the bytes on disk.
//
// What a phone leaves per day, at the open-source agent's cadence: a report
// every 15 minutes, each carrying a location fix, so 96 fixes a day. That
// is an upper bound, because a phone that does not move repeats its fix,
// which is stored once. The device row keeps the latest raw report, and three installed
// apps are listed. Enrolment leaves one audit event. Device logs are empty,
// because the agent uploads them only for rules a manager sets.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';

import { migrateToLatest, openDatabase } from '../src/store/database.js';

const DAY_MS = 86_400_000;
const REPORT_INTERVAL_MS = 15 * 60_000;
const REPORTS_PER_DAY = DAY_MS / REPORT_INTERVAL_MS;
const START = Date.UTC(2026, 0, 1);
const INSTALLED_APPS = ['com.hmdm.launcher', 'com.dhis2', 'org.dhis2.mobile.dhis2sms'];

/** Builds a device report as the agent sends it, with typical values, for the device's info_json. */
function sampleReport(deviceId: string, index: number): string {
  return JSON.stringify({
    deviceId,
    model: 'SM-A145F',
    androidVersion: '13',
    cpu: 'arm64-v8a',
    serial: `R58T${String(index).padStart(7, '0')}`,
    imei: `35693803${String(index).padStart(7, '0')}`,
    batteryLevel: 64,
    batteryCharging: '',
    mdmMode: true,
    kioskMode: false,
    launcherType: 'opensource',
    launcherPackage: 'com.hmdm.launcher',
    defaultLauncher: true,
    permissions: [1, 1, 0, 0],
    applications: INSTALLED_APPS.map((pkg) => ({ name: pkg, pkg, version: '3.3.1', showIcon: false, runAfterInstall: false })),
    files: [],
    location: { ts: START, lat: -1.2921, lon: 36.8219 },
  });
}

interface SizeResult {
  database: string;
  devices: number;
  days: number;
  locationRows: number;
  totalBytes: number;
  tableBytes: Record<string, number>;
  fillSeconds: number;
}

async function measureSqlite(devices: number, days: number): Promise<SizeResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-db-size-'));
  const file = path.join(dir, 'outpost.sqlite');
  const migrated = openDatabase(file);
  await migrateToLatest(migrated);
  await migrated.destroy();

  const started = Date.now();
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');

  const devicePks = fillSqliteDevices(db, devices);
  const insertFix = db.prepare('insert into locations (id, device_pk, taken_at, lat, lon, received_at) values (?, ?, ?, ?, ?, ?)');
  // One transaction per simulated day, with fixes in the order reports arrive: every device at each tick.
  const insertDay = db.transaction((day: number) => {
    for (let tick = 0; tick < REPORTS_PER_DAY; tick += 1) {
      const takenAt = START + day * DAY_MS + tick * REPORT_INTERVAL_MS;
      for (const [index, pk] of devicePks.entries()) {
        insertFix.run(randomUUID(), pk, takenAt + index, -1.29 + Math.random() / 100, 36.82 + Math.random() / 100, takenAt + index + 2_000);
      }
    }
  });
  for (let day = 0; day < days; day += 1) insertDay(day);
  db.pragma('wal_checkpoint(TRUNCATE)');

  const tableBytes: Record<string, number> = {};
  const rows = db.prepare("select name, sum(pgsize) as bytes from dbstat group by name order by bytes desc").all() as Array<{ name: string; bytes: number }>;
  for (const row of rows) tableBytes[row.name] = row.bytes;
  const locationRows = (db.prepare('select count(*) as n from locations').get() as { n: number }).n;
  db.close();

  const totalBytes = fs.statSync(file).size;
  fs.rmSync(dir, { recursive: true, force: true });
  return { database: 'SQLite', devices, days, locationRows, totalBytes, tableBytes, fillSeconds: (Date.now() - started) / 1000 };
}

function fillSqliteDevices(db: SqliteDatabase.Database, count: number): string[] {
  const insertDevice = db.prepare(
    `insert into devices (id, device_id, serial, imei, model, android_version, sdk_level, enrolment_generation, enrolled_at,
       last_contact_at, last_info_at, last_lat, last_lon, last_location_at, info_json, created_at, updated_at)
     values (?, ?, ?, ?, 'SM-A145F', '13', 33, 1, ?, ?, ?, -1.29, 36.82, ?, ?, ?, ?)`,
  );
  const insertApp = db.prepare('insert into device_apps (device_pk, package_name, version_name, reported_at) values (?, ?, ?, ?)');
  const insertAudit = db.prepare(
    "insert into audit_events (id, at, actor, action, target_type, target_id, details_json) values (?, ?, ?, 'device.enrolled', 'device', ?, ?)",
  );

  const pks: string[] = [];
  db.transaction(() => {
    for (let index = 0; index < count; index += 1) {
      const pk = randomUUID();
      const deviceId = `phone-${String(index).padStart(6, '0')}`;
      insertDevice.run(pk, deviceId, `R58T${index}`, `35693803${index}`, START, START, START, START, sampleReport(deviceId, index), START, START);
      for (const pkg of INSTALLED_APPS) insertApp.run(pk, pkg, '3.3.1', START);
      insertAudit.run(randomUUID(), START, `device:${deviceId}`, pk, JSON.stringify({ deviceId, generation: 1, policyId: randomUUID() }));
      pks.push(pk);
    }
  })();
  return pks;
}

async function measurePostgres(serverUrl: string, devices: number, days: number): Promise<SizeResult> {
  const schema = `outpost_db_size_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = openDatabase(url.href);

  try {
    await migrateToLatest(db);
    const started = Date.now();
    for (let index = 0; index < devices; index += 1) {
      const deviceId = `phone-${String(index).padStart(6, '0')}`;
      const pk = randomUUID();
      await sql`insert into devices (id, device_id, serial, imei, model, android_version, sdk_level, enrolment_generation, enrolled_at,
          last_contact_at, last_info_at, last_lat, last_lon, last_location_at, info_json, created_at, updated_at)
        values (${pk}, ${deviceId}, ${`R58T${index}`}, ${`35693803${index}`}, 'SM-A145F', '13', 33, 1, ${START}, ${START}, ${START},
          -1.29, 36.82, ${START}, ${sampleReport(deviceId, index)}, ${START}, ${START})`.execute(db);
      for (const pkg of INSTALLED_APPS) {
        await sql`insert into device_apps (device_pk, package_name, version_name, reported_at) values (${pk}, ${pkg}, '3.3.1', ${START})`.execute(db);
      }
      await sql`insert into audit_events (id, at, actor, action, target_type, target_id, details_json)
        values (${randomUUID()}, ${START}, ${`device:${deviceId}`}, 'device.enrolled', 'device', ${pk}, ${JSON.stringify({ deviceId, generation: 1 })})`.execute(db);
    }

    // The server generates a day of fixes per statement, every device at each tick.
    for (let day = 0; day < days; day += 1) {
      const dayStart = START + day * DAY_MS;
      await sql`insert into locations (id, device_pk, taken_at, lat, lon, received_at)
        select gen_random_uuid()::text, d.id, ${dayStart}::bigint + t * ${REPORT_INTERVAL_MS}::bigint + d.n,
               -1.29 + random() / 100, 36.82 + random() / 100, ${dayStart}::bigint + t * ${REPORT_INTERVAL_MS}::bigint + d.n + 2000
        from generate_series(0, ${REPORTS_PER_DAY - 1}) as t
        cross join (select id, row_number() over (order by id) as n from devices) as d
        order by t`.execute(db);
    }
    const fillSeconds = (Date.now() - started) / 1000;
    await sql`vacuum analyze`.execute(db);

    const sizes = await sql<{ name: string; bytes: string }>`
      select c.relname as name, pg_total_relation_size(c.oid)::text as bytes
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind = 'r'
      order by pg_total_relation_size(c.oid) desc`.execute(db);
    const tableBytes: Record<string, number> = {};
    for (const row of sizes.rows) tableBytes[row.name] = Number(row.bytes);
    const totalBytes = Object.values(tableBytes).reduce((sum, bytes) => sum + bytes, 0);
    const count = await sql<{ n: string }>`select count(*)::text as n from locations`.execute(db);

    return { database: 'PostgreSQL', devices, days, locationRows: Number(count.rows[0]?.n ?? 0), totalBytes, tableBytes, fillSeconds };
  } finally {
    await db.destroy();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  }
}

function printResult(result: SizeResult): void {
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const perThousand = (result.totalBytes / result.devices) * 1000;
  const perMonth = (perThousand / result.days) * 30;
  process.stdout.write(`\n${result.database}: ${result.devices} devices, ${result.days} days, ${result.locationRows} location rows, filled in ${result.fillSeconds.toFixed(0)} s\n`);
  process.stdout.write(`  total ${mb(result.totalBytes)} MiB; per 1,000 devices ${mb(perThousand)} MiB; per 1,000 devices per 30 days ${mb(perMonth)} MiB\n`);
  const largest = Object.entries(result.tableBytes).slice(0, 8);
  for (const [name, bytes] of largest) process.stdout.write(`  ${name}: ${mb(bytes)} MiB\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '1000' },
      days: { type: 'string', default: '90' },
      postgres: { type: 'string', default: process.env.OUTPOST_TEST_DATABASE_URL ?? '' },
    },
  });
  const devices = Number(values.devices);
  const days = Number(values.days);
  if (!Number.isInteger(devices) || devices < 1 || !Number.isInteger(days) || days < 1) {
    throw new Error(`Invalid --devices ${values.devices} or --days ${values.days}: give whole numbers of at least 1.`);
  }

  printResult(await measureSqlite(devices, days));
  if (values.postgres) printResult(await measurePostgres(values.postgres, devices, days));
  else process.stdout.write('\nPostgreSQL skipped: pass --postgres URL or set OUTPOST_TEST_DATABASE_URL.\n');
}

await main();
