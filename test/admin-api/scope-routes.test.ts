// An operator (and an admin) limited to district A cannot list, count,
// export, map or act on a device of district B, by any admin API route,
// with any id. The route table comes from the OpenAPI document, so a new
// route without an entry here fails the first test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { ApiClient, signInAsAdmin, startApiServer, type ApiResponse, type RequestOptions } from './support/client.js';
import { insertDevice } from './support/devices.js';
import { insertAppVersion } from './support/fixtures.js';

const PACKAGE = 'com.dhis2';
const DEVICE_B = { deviceId: 'phone-of-district-b', serial: 'SERIAL-B-7731', imei: '356938035643809', model: 'Model-B-Only' };

/** Ids and objects of the fleet the table's requests name. */
interface World {
  devicePkA: string;
  devicePkB: string;
  commandIdB: string;
  bulkJobIdB: string;
  rolloutId: string;
  pinId: string;
  policyId: string;
  tokenIdB: string;
  appVersionId: string;
  userId: string;
}

/**
 * What a route must do for a caller limited to district A:
 * - hidden: whatever the status, nothing of device B is in the response;
 * - not_found: 404, as for a device that does not exist;
 * - rejected: any 4xx, and device B stays as it was;
 * - fleet_only: 403, because the route changes server-wide things.
 * `control` marks reads where the fleet-wide admin does see device B, which
 * shows that the hidden check can fail.
 */
type Expectation = 'hidden' | 'not_found' | 'rejected' | 'fleet_only';

interface RouteCase {
  expect: Expectation;
  path?: (world: World) => string;
  body?: (world: World) => unknown;
  /** A raw body with its media type, for routes that take no JSON. */
  raw?: { body: string; contentType: string };
  control?: boolean;
}

const ALL_DEVICES = { expect: 'hidden', control: true } as const;
const NOT_DEVICE = { expect: 'hidden' } as const;
const byB = (suffix = '') => ({ expect: 'not_found', path: (w: World) => `/v1/devices/${w.devicePkB}${suffix}` }) as const;

const ROUTES: Record<string, RouteCase> = {
  'POST /auth/login': { expect: 'hidden', body: () => ({ username: 'nobody', password: 'nothing-here-1' }) },
  'POST /auth/dhis2-login': { expect: 'hidden', body: () => ({ username: 'nobody', password: 'nothing-here-1' }) },
  'GET /auth/methods': NOT_DEVICE,
  'GET /auth/session': NOT_DEVICE,
  'GET /auth/dhis2-login/settings': { expect: 'fleet_only' },
  'GET /auth/dhis2-login/groups': { expect: 'fleet_only' },
  'PUT /auth/dhis2-login/settings': { expect: 'fleet_only', body: () => ({ enabled: false, groupRoles: [] }) },
  'POST /auth/logout': { expect: 'hidden' },

  'GET /fleet/summary': { expect: 'hidden' },
  'GET /devices': { ...ALL_DEVICES, path: () => '/v1/devices?limit=200' },
  'GET /devices/{id}': byB(),
  'PATCH /devices/{id}': { ...byB(), body: () => ({ orgUnitId: 'districtA' }) },
  'GET /devices/{id}/assignment': byB('/assignment'),
  'GET /map/settings': NOT_DEVICE,
  'GET /devices/{id}/locations': byB('/locations'),
  'GET /devices/{id}/locations/export': byB('/locations/export?format=csv'),
  'GET /locations/fleet': ALL_DEVICES,
  'GET /locations/fleet/export': { ...ALL_DEVICES, path: () => '/v1/locations/fleet/export?format=csv' },
  'GET /settings/contact-state': NOT_DEVICE,
  'PUT /settings/contact-state': { expect: 'fleet_only', body: () => ({ lateAfterMinutes: 60, offlineAfterMinutes: 1440 }) },

  'POST /devices/{id}/commands': { ...byB('/commands'), body: () => ({ type: 'reboot' }) },
  'GET /devices/{id}/commands': byB('/commands'),
  'POST /devices/{id}/commands/{commandId}/cancel': {
    expect: 'not_found',
    path: (w) => `/v1/devices/${w.devicePkB}/commands/${w.commandIdB}/cancel`,
  },
  'GET /devices/{id}/lost-mode': byB('/lost-mode'),
  'PUT /devices/{id}/lost-mode': { ...byB('/lost-mode'), body: () => ({ message: 'Call the district office' }) },
  'DELETE /devices/{id}/lost-mode': byB('/lost-mode'),

  'POST /bulk-jobs': { expect: 'rejected', body: (w) => ({ type: 'reboot', selection: { deviceIds: [w.devicePkA, w.devicePkB] } }) },
  'GET /bulk-jobs': { ...ALL_DEVICES },
  'POST /bulk-jobs/preview': { expect: 'hidden', body: () => ({ type: 'reboot', selection: { filters: {} } }) },
  'GET /bulk-jobs/{id}': { expect: 'hidden', path: (w) => `/v1/bulk-jobs/${w.bulkJobIdB}` },
  'GET /bulk-jobs/{id}/devices': { expect: 'hidden', path: (w) => `/v1/bulk-jobs/${w.bulkJobIdB}/devices`, control: true },
  'POST /bulk-jobs/{id}/cancel': { expect: 'rejected', path: (w) => `/v1/bulk-jobs/${w.bulkJobIdB}/cancel` },

  'GET /apps': NOT_DEVICE,
  'POST /apps/upload': { expect: 'fleet_only', raw: { body: 'PK\u0003\u0004 not an apk', contentType: 'application/vnd.android.package-archive' } },
  'GET /apps/versions/{id}/download': { expect: 'hidden', path: () => '/v1/apps/versions/missing-version/download' },
  // Port 9 (discard) on loopback: the scope check must come before any download.
  'POST /apps/import': { expect: 'fleet_only', body: () => ({ url: 'http://127.0.0.1:9/dhis2-v3.0.0.apk' }) },
  'GET /policies': NOT_DEVICE,
  'GET /policies/defaults': NOT_DEVICE,
  'POST /policies': { expect: 'fleet_only', body: () => ({ name: 'District A only' }) },
  'GET /policies/{id}': { expect: 'hidden', path: (w) => `/v1/policies/${w.policyId}` },
  'PUT /policies/{id}': { expect: 'fleet_only', path: (w) => `/v1/policies/${w.policyId}`, body: () => ({ name: 'Renamed' }) },
  'DELETE /policies/{id}': { expect: 'fleet_only', path: (w) => `/v1/policies/${w.policyId}` },
  'GET /policies/{id}/versions': { expect: 'hidden', path: (w) => `/v1/policies/${w.policyId}/versions` },
  'GET /restrictions': NOT_DEVICE,
  'GET /devices/{id}/overrides': byB('/overrides'),
  'PUT /devices/{id}/overrides': { ...byB('/overrides'), body: () => ({ settings: {} }) },
  'DELETE /devices/{id}/overrides': byB('/overrides'),
  'GET /compliance/summary': { expect: 'hidden' },
  'GET /compliance/devices': ALL_DEVICES,
  'GET /devices/{id}/compliance': byB('/compliance'),

  'GET /org-units': NOT_DEVICE,
  'POST /org-units': { expect: 'rejected', body: () => ({ id: 'under-b', name: 'Under B', parentId: 'districtB' }) },
  'GET /org-unit-policies': { expect: 'hidden' },
  'PUT /org-units/{id}/policy': { expect: 'rejected', path: () => '/v1/org-units/districtB/policy', body: (w) => ({ policyId: w.policyId }) },

  'GET /enrolment/agent': NOT_DEVICE,
  'PUT /enrolment/agent': { expect: 'fleet_only', body: (w) => ({ appVersionId: w.appVersionId }) },
  'GET /enrolment/tokens': { expect: 'hidden' },
  'POST /enrolment/tokens': { expect: 'rejected', body: (w) => ({ policyId: w.policyId, orgUnitId: 'districtB' }) },
  'POST /enrolment/tokens/{id}/revoke': { expect: 'rejected', path: (w) => `/v1/enrolment/tokens/${w.tokenIdB}/revoke` },
  'GET /enrolment/tokens/{id}/qr.json': { expect: 'rejected', path: (w) => `/v1/enrolment/tokens/${w.tokenIdB}/qr.json` },
  'GET /enrolment/tokens/{id}/qr.png': { expect: 'rejected', path: (w) => `/v1/enrolment/tokens/${w.tokenIdB}/qr.png` },
  'POST /enrolment/sheets': { expect: 'rejected', body: (w) => ({ orgUnitId: 'districtB', policyId: w.policyId, source: 'blank', count: 1 }) },
  'GET /enrolment/rules': NOT_DEVICE,
  'PUT /enrolment/rules': { expect: 'fleet_only', body: () => ({ open: true }) },
  'GET /enrolment/preregistered': { expect: 'hidden' },
  'POST /enrolment/preregistered': { expect: 'fleet_only', body: () => ({ devices: [{ hardwareId: 'NEW-SERIAL-1' }] }) },
  'POST /enrolment/preregistered/csv': { expect: 'fleet_only', raw: { body: 'NEW-SERIAL-2\n', contentType: 'text/csv' } },
  'DELETE /enrolment/preregistered/{hardwareId}': { expect: 'fleet_only', path: () => '/v1/enrolment/preregistered/NEW-SERIAL-1' },
  'GET /enrolment/id-claims': { expect: 'hidden' },
  'DELETE /enrolment/id-claims/{id}': { expect: 'rejected', path: () => `/v1/enrolment/id-claims/${DEVICE_B.deviceId}` },
  'GET /settings/retention': NOT_DEVICE,
  'PUT /settings/retention': { expect: 'fleet_only', body: () => ({ locationDays: 30 }) },

  'GET /users': { expect: 'fleet_only' },
  'POST /users': { expect: 'fleet_only', body: () => ({ username: 'escalate', password: 'escalate-pass-1', role: 'admin' }) },
  'PATCH /users/{id}': { expect: 'fleet_only', path: (w) => `/v1/users/${w.userId}`, body: () => ({ orgUnitIds: [] }) },
  'POST /users/{id}/password': { expect: 'fleet_only', path: (w) => `/v1/users/${w.userId}/password`, body: () => ({}) },
  'GET /assignments/dhis2-users': NOT_DEVICE,
  'GET /assignments/export.csv': ALL_DEVICES,
  'POST /assignments/import': { expect: 'rejected', body: () => ({ csv: `device_id,serial,dhis2_username,org_unit_id\n${DEVICE_B.deviceId},,,districtA\n` }) },
  'GET /audit': ALL_DEVICES,

  'GET /rollouts': ALL_DEVICES,
  'POST /rollouts': { expect: 'fleet_only', body: (w) => ({ packageName: PACKAGE, appVersionId: w.appVersionId, stages: [{ startsAt: 0, percent: 100, failureThreshold: 50 }] }) },
  'GET /rollouts/{id}': { expect: 'hidden', path: (w) => `/v1/rollouts/${w.rolloutId}`, control: true },
  'GET /rollouts/{id}/progress': { expect: 'hidden', path: (w) => `/v1/rollouts/${w.rolloutId}/progress`, control: true },
  'POST /rollouts/{id}/start': { expect: 'fleet_only', path: (w) => `/v1/rollouts/${w.rolloutId}/start` },
  'POST /rollouts/{id}/pause': { expect: 'fleet_only', path: (w) => `/v1/rollouts/${w.rolloutId}/pause` },
  'POST /rollouts/{id}/resume': { expect: 'fleet_only', path: (w) => `/v1/rollouts/${w.rolloutId}/resume` },
  'POST /rollouts/{id}/complete': { expect: 'fleet_only', path: (w) => `/v1/rollouts/${w.rolloutId}/complete` },
  'POST /rollouts/{id}/halt': { expect: 'fleet_only', path: (w) => `/v1/rollouts/${w.rolloutId}/halt`, body: () => ({}) },
  'POST /rollouts/{id}/retry': { expect: 'fleet_only', path: (w) => `/v1/rollouts/${w.rolloutId}/retry`, body: (w) => ({ deviceIds: [w.devicePkB] }) },
  'GET /pins': ALL_DEVICES,
  'POST /pins': { expect: 'fleet_only', body: (w) => ({ packageName: PACKAGE, maxVersionCode: 1, scope: { deviceIds: [w.devicePkB] } }) },
  'DELETE /pins/{id}': { expect: 'fleet_only', path: (w) => `/v1/pins/${w.pinId}` },

  'GET /dhis2/connection': NOT_DEVICE,
  'PUT /dhis2/connection': { expect: 'fleet_only', body: () => ({ baseUrl: 'http://127.0.0.1:9', token: 'd2p_notARealTokenForTheScopeTest0123456789ab' }) },
  'DELETE /dhis2/connection': { expect: 'fleet_only' },
  'POST /dhis2/connection/test': { expect: 'fleet_only', body: () => ({}) },
  'GET /dhis2/sync': NOT_DEVICE,
  'PUT /dhis2/sync/settings': { expect: 'fleet_only', body: () => ({ enabled: false, intervalMinutes: 60 }) },
  'POST /dhis2/sync/runs': { expect: 'fleet_only', body: () => ({}) },
  'GET /dhis2/sync/runs': NOT_DEVICE,
  'GET /dhis2/sync/runs/{id}': { expect: 'hidden', path: () => '/v1/dhis2/sync/runs/missing-run' },
  'GET /dhis2/attention': ALL_DEVICES,
  'GET /dhis2/apk-distribution': NOT_DEVICE,
  'PUT /dhis2/apk-distribution/settings': { expect: 'fleet_only', body: () => ({ writeEnabled: false, links: [] }) },
  'POST /dhis2/apk-distribution/write': { expect: 'fleet_only', body: () => ({ expectedHash: 'abc' }) },
};

const API_PREFIX = '/api/v1';

/**
 * Everything of device B a response reveals, leaving out values the request
 * itself sent: an error may name the id it could not find.
 */
function leaksDeviceB(response: ApiResponse, world: World, sent = ''): string[] {
  const text = response.bytes.toString('utf8');
  const values = [world.devicePkB, DEVICE_B.deviceId, DEVICE_B.serial, DEVICE_B.imei, DEVICE_B.model];
  return values.filter((value) => text.includes(value) && !sent.includes(value));
}

describe('org-unit scope on every admin API route', () => {
  let server: TestServer;
  let admin: ApiClient;
  let scoped: Record<'operator' | 'admin', ApiClient>;
  let world: World;
  let documented: string[];

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    world = await buildWorld(server, admin);

    scoped = { operator: new ApiClient(server), admin: new ApiClient(server) };
    for (const role of ['operator', 'admin'] as const) {
      const username = `district-a-${role}`;
      const created = await admin.post('/v1/users', { username, password: `${role}-password-123`, role, orgUnitIds: ['districtA'] });
      expect(created.status).toBe(201);
      expect((await scoped[role].login(username, `${role}-password-123`)).status).toBe(200);
    }

    const document = (await new ApiClient(server).get('/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.slice(API_PREFIX.length)}`),
    );
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('has an entry for every documented route', () => {
    expect(documented.filter((route) => !(route in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((route) => !documented.includes(route))).toEqual([]);
  });

  for (const [route, entry] of Object.entries(ROUTES)) {
    const [method, template] = route.split(' ') as [string, string];
    if (route === 'POST /auth/logout') continue;

    for (const role of ['operator', 'admin'] as const) {
      it(`${role} of district A: ${route}`, async () => {
        const before = await deviceBState(server);
        const path = entry.path ? entry.path(world) : `/v1${template}`;
        const client = route.startsWith('POST /auth/') && route !== 'POST /auth/logout' ? new ApiClient(server) : scoped[role];
        const body = entry.body?.(world);
        let options: RequestOptions = {};
        if (entry.raw) options = { raw: entry.raw.body, contentType: entry.raw.contentType };
        else if (body !== undefined) options = { json: body };
        const response = await client.request(method, path, options);
        const sent = `${path} ${JSON.stringify(body ?? null)}`;

        if (entry.expect === 'not_found') {
          expect([403, 404], `${route}: ${response.status} ${JSON.stringify(response.body)}`).toContain(response.status);
          if (role === 'admin') expect(response.status).toBe(404);
        } else if (entry.expect === 'fleet_only') {
          expect(response.status, JSON.stringify(response.body)).toBe(403);
        } else if (entry.expect === 'rejected') {
          expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
        } else {
          expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
        }
        expect(leaksDeviceB(response, world, sent)).toEqual([]);
        expect(await deviceBState(server)).toEqual(before);
      });
    }

    if (entry.control) {
      it(`fleet-wide admin sees device B: ${route}`, async () => {
        const path = entry.path ? entry.path(world) : `/v1${template}`;
        const response = await admin.request(method, path);
        expect(response.status).toBe(200);
        expect(leaksDeviceB(response, world)).not.toEqual([]);
      });
    }
  }

  it('still lets the scoped operator act on device A', async () => {
    expect((await scoped.operator.get(`/v1/devices/${world.devicePkA}`)).status).toBe(200);
    expect((await scoped.operator.post(`/v1/devices/${world.devicePkA}/commands`, { type: 'reboot' })).status).toBe(200);
  });
});

/** Device B's row and every row that hangs off it, to show no route changed them. */
async function deviceBState(server: TestServer) {
  const db = server.ctx.store.db;
  const device = await db.selectFrom('devices').selectAll().where('device_id', '=', DEVICE_B.deviceId).executeTakeFirstOrThrow();
  const rows = async (table: 'commands' | 'bulk_job_devices' | 'device_overrides' | 'locations') =>
    db.selectFrom(table).selectAll().where('device_pk', '=', device.id).execute();
  return {
    device,
    commands: await rows('commands'),
    bulkJobDevices: await rows('bulk_job_devices'),
    overrides: await rows('device_overrides'),
    locations: await rows('locations'),
    orgUnitPolicies: await db.selectFrom('org_unit_policies').selectAll().execute(),
    tokens: await db.selectFrom('enrolment_tokens').select(['id', 'revoked_at']).orderBy('id').execute(),
  };
}

/** District A and B, a phone in each with a location, a command, a bulk job, a rollout and a pin naming device B. */
async function buildWorld(server: TestServer, admin: ApiClient): Promise<World> {
  const ctx = server.ctx;
  for (const [id, parentId] of [['country', null], ['districtA', 'country'], ['districtB', 'country']] as const) {
    await ctx.store.orgUnits.insert({ id, name: `Unit ${id}`, parentId });
  }
  const appVersionId = await insertAppVersion(ctx, PACKAGE, 3000);
  const policy = await admin.post('/v1/policies', { name: 'Capture phones', apps: [{ packageName: PACKAGE, appVersionId, action: 'install' }] });
  expect(policy.status).toBe(201);
  const policyId = policy.body.id as string;

  const now = ctx.now();
  const device = (fields: { deviceId: string; serial: string; imei: string; model: string }, orgUnitId: string, lat: number) =>
    insertDevice(ctx, {
      device_id: fields.deviceId,
      serial: fields.serial,
      imei: fields.imei,
      model: fields.model,
      org_unit_id: orgUnitId,
      policy_id: policyId,
      enrolment_policy_id: policyId,
      policy_source: 'enrolment',
      last_contact_at: now,
      last_lat: lat,
      last_lon: -11.5,
      last_location_at: now,
    });
  const devicePkA = await device({ deviceId: 'phone-of-district-a', serial: 'SERIAL-A-1', imei: '356938035643801', model: 'Model-A' }, 'districtA', 8.4);
  const devicePkB = await device(DEVICE_B, 'districtB', 8.6);
  for (const [pk, lat] of [[devicePkA, 8.4], [devicePkB, 8.6]] as const) {
    await ctx.store.db.insertInto('locations').values({ id: `fix-${pk}`, device_pk: pk, taken_at: now, lat, lon: -11.5, received_at: now }).execute();
  }

  const command = await admin.post(`/v1/devices/${devicePkB}/commands`, { type: 'lock', message: 'Found? Call 117' });
  expect(command.status).toBe(200);
  const bulk = await admin.post('/v1/bulk-jobs', { type: 'reboot', selection: { deviceIds: [devicePkB] } });
  expect(bulk.status, JSON.stringify(bulk.body)).toBeLessThan(300);
  // The job queues its commands in the background; the table compares device B before and after each request.
  await waitForJob(admin, bulk.body.id);
  const rollout = await admin.post('/v1/rollouts', {
    packageName: PACKAGE,
    appVersionId,
    scope: { deviceIds: [devicePkB] },
    stages: [{ startsAt: now + 3_600_000, percent: 100, failureThreshold: 50 }],
  });
  expect(rollout.status, JSON.stringify(rollout.body)).toBe(201);
  const pin = await admin.post('/v1/pins', { packageName: PACKAGE, maxVersionCode: 5000, scope: { deviceIds: [devicePkB] }, reason: 'Pilot hold' });
  expect(pin.status, JSON.stringify(pin.body)).toBe(201);
  const token = await admin.post('/v1/enrolment/tokens', { policyId, orgUnitId: 'districtB', label: 'District B phones' });
  expect(token.status).toBe(201);
  const user = await admin.post('/v1/users', { username: 'another-user', password: 'another-pass-123', role: 'viewer' });

  return {
    devicePkA,
    devicePkB,
    commandIdB: command.body.id,
    bulkJobIdB: bulk.body.id,
    rolloutId: rollout.body.id,
    pinId: pin.body.id,
    policyId,
    tokenIdB: token.body.id,
    appVersionId,
    userId: user.body.id,
  };
}

// The job runs on loopback against one device, so 10 s means it is stuck.
const JOB_WAIT_MS = 10_000;

async function waitForJob(admin: ApiClient, jobId: string): Promise<void> {
  const deadline = Date.now() + JOB_WAIT_MS;
  while (Date.now() < deadline) {
    if ((await admin.get(`/v1/bulk-jobs/${jobId}`)).body.state === 'completed') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`bulk job ${jobId} did not complete within ${JOB_WAIT_MS} ms`);
}
