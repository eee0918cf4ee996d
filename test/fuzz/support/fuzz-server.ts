// Starts the server the fuzz properties attack, fills it with records the
// generated requests can name, and checks the invariants every property
// ends with: the server still responds and the SQLite file is sound.
import fs from 'node:fs';
import path from 'node:path';

import SqliteDatabase from 'better-sqlite3';

import { routePrefix } from '../../../src/config.js';
import { signInAsAdmin, type ApiClient } from '../../admin-api/support/client.js';
import { enrol, FIXTURE_APK } from '../../agent-api/helpers.js';
import { startTestServer, type TestServer } from '../../support/server.js';
import { RawHttpClient } from './http.js';

/** Ids of records the seeded server holds, for requests that should reach past the lookup. */
export interface SeededIds {
  deviceIds: string[];
  devicePks: string[];
  policyIds: string[];
  orgUnitIds: string[];
  tokenIds: string[];
  appVersionIds: string[];
  fileNames: string[];
}

export interface FuzzServer {
  server: TestServer;
  http: RawHttpClient;
  admin: ApiClient;
  ids: SeededIds;
  /** Path prefix of every route: the project path, '' by default. */
  prefix: string;
  close(): Promise<void>;
}

// Long polls are held for the minimum, one second, so a generated request
// for a known device does not wait four minutes.
const FUZZ_ENV = {
  OUTPOST_LONG_POLL_HOLD_SECONDS: '1',
  // Generated login requests must never reach the limit, or every later
  // login case would be a 429 and test nothing.
  OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '1000000',
  OUTPOST_LOG_LEVEL: 'fatal',
};

const SEEDED_DEVICE_COUNT = 3;

/** Starts a seeded server on loopback with a signed-in admin. */
export async function startFuzzServer(): Promise<FuzzServer> {
  const server = await startTestServer({ env: FUZZ_ENV });
  const admin = await signInAsAdmin(server);
  const ids = await seed(server, admin);
  const http = new RawHttpClient(server.listenUrl);

  return {
    server,
    http,
    admin,
    ids,
    prefix: routePrefix(server.ctx.config),
    async close() {
      await http.close();
      await server.dispose();
    },
  };
}

async function seed(server: TestServer, admin: ApiClient): Promise<SeededIds> {
  const upload = await admin.request('POST', '/v1/apps/upload?fileName=agent.apk', {
    raw: fs.readFileSync(FIXTURE_APK),
    contentType: 'application/vnd.android.package-archive',
  });
  if (upload.status !== 201) throw new Error(`seed upload failed: ${upload.status} ${upload.bytes.toString()}`);
  const version = upload.body.version as { id: string; fileName: string };
  const packageName = (upload.body.app as { packageName: string }).packageName;

  const orgUnit = await admin.post('/v1/org-units', { id: 'fuzz-district', name: 'Fuzz district' });
  const policy = await admin.post('/v1/policies', {
    name: 'Fuzz policy',
    apps: [{ packageName, appVersionId: version.id, action: 'install' }],
  });
  const token = await admin.post('/v1/enrolment/tokens', { policyId: policy.body.id, orgUnitId: orgUnit.body.id });
  for (const response of [orgUnit, policy, token]) {
    if (response.status !== 201) throw new Error(`seed request failed: ${response.status} ${response.bytes.toString()}`);
  }

  const deviceIds: string[] = [];
  for (let index = 0; index < SEEDED_DEVICE_COUNT; index += 1) {
    const deviceId = `fuzz-device-${index}`;
    const enrolled = await enrol(server, deviceId, token.body.id);
    if (enrolled.json?.status !== 'OK') throw new Error(`seed enrolment failed: ${enrolled.text}`);
    deviceIds.push(deviceId);
  }

  const devicePks: string[] = [];
  for (const deviceId of deviceIds) {
    const device = await server.ctx.store.devices.findByDeviceId(deviceId);
    if (device) devicePks.push(device.id);
  }
  const firstDevice = devicePks[0];
  if (firstDevice) await admin.post(`/v1/devices/${firstDevice}/commands`, { type: 'reboot' });

  return {
    deviceIds,
    devicePks,
    policyIds: [policy.body.id],
    orgUnitIds: [orgUnit.body.id],
    tokenIds: [token.body.id],
    appVersionIds: [version.id],
    fileNames: [version.fileName],
  };
}

/**
 * Throws unless /healthz returns 200 and SQLite reports no corruption and
 * no broken foreign key. Reads through a second, read-only connection, as
 * an operator's sqlite3 shell would.
 */
export async function checkServerInvariants(fuzz: FuzzServer): Promise<void> {
  const health = await fuzz.http.send({ method: 'GET', path: '/healthz' });
  if (health.status !== 200) throw new Error(`/healthz returned ${health.status}: ${health.text}`);

  const file = path.join(fuzz.server.dataDir, 'outpost.sqlite');
  const sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>;
    if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok') {
      throw new Error(`integrity_check failed: ${JSON.stringify(integrity)}`);
    }
    const foreignKeys = sqlite.pragma('foreign_key_check') as unknown[];
    if (foreignKeys.length > 0) throw new Error(`foreign_key_check found rows: ${JSON.stringify(foreignKeys)}`);
  } finally {
    sqlite.close();
  }
}
