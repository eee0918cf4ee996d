import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { type ApiClient, type RequestOptions, signInAsAdmin, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';
import { insertAppVersion } from './support/fixtures.js';

interface BadInput {
  name: string;
  method: string;
  /** Path under /api; `:policy`, `:device`, `:version` and `:token` become real ids. */
  path: string;
  options?: RequestOptions;
  status: number;
  field?: string;
}

const json = (value: unknown): RequestOptions => ({ json: value });
const raw = (body: string, contentType = 'application/json'): RequestOptions => ({ raw: body, contentType });
const longText = (length: number) => 'x'.repeat(length);
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const BAD_INPUTS: BadInput[] = [
  // Sign-in
  { name: 'login malformed JSON', method: 'POST', path: '/v1/auth/login', options: raw('{"username": "admin",'), status: 400 },
  { name: 'login empty JSON body', method: 'POST', path: '/v1/auth/login', options: raw(''), status: 400 },
  { name: 'login without body', method: 'POST', path: '/v1/auth/login', status: 400, field: 'body' },
  { name: 'login text body', method: 'POST', path: '/v1/auth/login', options: raw('admin:password', 'text/plain'), status: 400, field: 'body' },
  { name: 'login XML body', method: 'POST', path: '/v1/auth/login', options: raw('<login/>', 'application/xml'), status: 415 },
  { name: 'login username number', method: 'POST', path: '/v1/auth/login', options: json({ username: 1, password: 'x' }), status: 400, field: 'body.username' },
  { name: 'login missing password', method: 'POST', path: '/v1/auth/login', options: json({ username: 'admin' }), status: 400, field: 'body.password' },
  { name: 'login unknown field', method: 'POST', path: '/v1/auth/login', options: json({ username: 'a', password: 'b', remember: true }), status: 400, field: 'body.remember' },
  { name: 'login array body', method: 'POST', path: '/v1/auth/login', options: json(['admin']), status: 400, field: 'body' },
  { name: 'login huge password', method: 'POST', path: '/v1/auth/login', options: json({ username: 'admin', password: longText(5000) }), status: 400, field: 'body.password' },

  // Devices
  { name: 'devices limit 0', method: 'GET', path: '/v1/devices?limit=0', status: 400, field: 'query.limit' },
  { name: 'devices limit 201', method: 'GET', path: '/v1/devices?limit=201', status: 400, field: 'query.limit' },
  { name: 'devices limit text', method: 'GET', path: '/v1/devices?limit=ten', status: 400, field: 'query.limit' },
  { name: 'devices limit fraction', method: 'GET', path: '/v1/devices?limit=1.5', status: 400, field: 'query.limit' },
  { name: 'devices unknown sort', method: 'GET', path: '/v1/devices?sort=serial', status: 400, field: 'query.sort' },
  { name: 'devices unknown order', method: 'GET', path: '/v1/devices?order=up', status: 400, field: 'query.order' },
  { name: 'devices unknown parameter', method: 'GET', path: '/v1/devices?page=2', status: 400, field: 'query.page' },
  { name: 'devices garbage cursor', method: 'GET', path: '/v1/devices?cursor=abc', status: 400, field: 'query.cursor' },
  { name: 'devices forged cursor', method: 'GET', path: `/v1/devices?cursor=${cursorOf({ kind: 'keyset', sort: 'x' })}`, status: 400, field: 'query.cursor' },
  { name: 'devices long search', method: 'GET', path: `/v1/devices?search=${longText(101)}`, status: 400, field: 'query.search' },
  // The router itself returns 414 for path parameters over 100 characters.
  { name: 'device long id', method: 'GET', path: `/v1/devices/${longText(201)}`, status: 414 },
  { name: 'device missing', method: 'GET', path: '/v1/devices/missing', status: 404, field: 'params.id' },
  { name: 'device patch policy number', method: 'PATCH', path: '/v1/devices/:device', options: json({ policyId: 5 }), status: 400, field: 'body.policyId' },
  { name: 'device patch unknown field', method: 'PATCH', path: '/v1/devices/:device', options: json({ deviceId: 'x' }), status: 400, field: 'body.deviceId' },
  { name: 'device patch array', method: 'PATCH', path: '/v1/devices/:device', options: json([1, 2]), status: 400, field: 'body' },
  { name: 'device patch missing org unit', method: 'PATCH', path: '/v1/devices/:device', options: json({ orgUnitId: 'nowhere' }), status: 404, field: 'body.orgUnitId' },
  { name: 'command wipe unconfirmed', method: 'POST', path: '/v1/devices/:device/commands', options: json({ type: 'wipe' }), status: 400, field: 'body.confirmation.password' },
  { name: 'command unknown type', method: 'POST', path: '/v1/devices/:device/commands', options: json({ type: 'selfDestruct' }), status: 400, field: 'body.type' },
  { name: 'command without type', method: 'POST', path: '/v1/devices/:device/commands', options: json({}), status: 400, field: 'body.type' },
  { name: 'command zero hours', method: 'POST', path: '/v1/devices/:device/commands', options: json({ type: 'lock', expiresInHours: 0 }), status: 400, field: 'body.expiresInHours' },
  { name: 'command fractional hours', method: 'POST', path: '/v1/devices/:device/commands', options: json({ type: 'lock', expiresInHours: 1.5 }), status: 400, field: 'body.expiresInHours' },
  { name: 'command hours as text', method: 'POST', path: '/v1/devices/:device/commands', options: json({ type: 'lock', expiresInHours: '2' }), status: 400, field: 'body.expiresInHours' },
  { name: 'command long message', method: 'POST', path: '/v1/devices/:device/commands', options: json({ type: 'lock', message: longText(501) }), status: 400, field: 'body.message' },
  { name: 'command text body', method: 'POST', path: '/v1/devices/:device/commands', options: raw('reboot', 'text/plain'), status: 400, field: 'body' },
  { name: 'command missing device', method: 'POST', path: '/v1/devices/missing/commands', options: json({ type: 'reboot' }), status: 404 },

  // Apps
  { name: 'upload empty file name', method: 'POST', path: '/v1/apps/upload?fileName=', options: raw('x', 'application/vnd.android.package-archive'), status: 400, field: 'query.fileName' },
  { name: 'upload unknown parameter', method: 'POST', path: '/v1/apps/upload?force=1', options: raw('x', 'application/vnd.android.package-archive'), status: 400, field: 'query.force' },
  { name: 'upload XML', method: 'POST', path: '/v1/apps/upload', options: raw('<apk/>', 'application/xml'), status: 415 },
  { name: 'upload empty file', method: 'POST', path: '/v1/apps/upload', options: raw('', 'application/vnd.android.package-archive'), status: 422 },
  { name: 'download missing version', method: 'GET', path: '/v1/apps/versions/missing/download', status: 404, field: 'params.id' },

  // Policies
  { name: 'policy without name', method: 'POST', path: '/v1/policies', options: json({}), status: 400, field: 'body.name' },
  { name: 'policy empty name', method: 'POST', path: '/v1/policies', options: json({ name: '' }), status: 400, field: 'body.name' },
  { name: 'policy blank name', method: 'POST', path: '/v1/policies', options: json({ name: '   ' }), status: 400, field: 'body.name' },
  { name: 'policy long name', method: 'POST', path: '/v1/policies', options: json({ name: longText(101) }), status: 400, field: 'body.name' },
  { name: 'policy settings string', method: 'POST', path: '/v1/policies', options: json({ name: 'p', settings: 'gps' }), status: 400, field: 'body.settings' },
  { name: 'policy setting wrong type', method: 'POST', path: '/v1/policies', options: json({ name: 'p', settings: { gps: 'yes' } }), status: 400, field: 'body.settings.gps' },
  { name: 'policy unknown setting', method: 'POST', path: '/v1/policies', options: json({ name: 'p', settings: { hotspot: false } }), status: 400, field: 'body.settings.hotspot' },
  { name: 'policy bad restriction', method: 'POST', path: '/v1/policies', options: json({ name: 'p', settings: { restrictions: ['NO SPACES'] } }), status: 400, field: 'body.settings.restrictions.0' },
  { name: 'policy bad time', method: 'POST', path: '/v1/policies', options: json({ name: 'p', settings: { appUpdateFrom: '25:00' } }), status: 400, field: 'body.settings.appUpdateFrom' },
  { name: 'policy bad package', method: 'POST', path: '/v1/policies', options: json({ name: 'p', apps: [{ packageName: 'not a package', action: 'remove' }] }), status: 400, field: 'body.apps.0.packageName' },
  { name: 'policy bad action', method: 'POST', path: '/v1/policies', options: json({ name: 'p', apps: [{ packageName: 'com.dhis2', action: 'upgrade' }] }), status: 400, field: 'body.apps.0.action' },
  { name: 'policy apps object', method: 'POST', path: '/v1/policies', options: json({ name: 'p', apps: { 'com.dhis2': 'install' } }), status: 400, field: 'body.apps' },
  { name: 'policy password number', method: 'POST', path: '/v1/policies', options: json({ name: 'p', adminPassword: 1234 }), status: 400, field: 'body.adminPassword' },
  { name: 'policy proto key', method: 'POST', path: '/v1/policies', options: raw('{"name": "p", "__proto__": {"admin": true}}'), status: 400 },
  { name: 'policy huge body', method: 'POST', path: '/v1/policies', options: json({ name: 'p', description: longText(2 * 1024 * 1024) }), status: 413 },
  { name: 'policy long description', method: 'POST', path: '/v1/policies', options: json({ name: 'p', description: longText(2001) }), status: 400, field: 'body.description' },
  { name: 'policy PUT missing', method: 'PUT', path: '/v1/policies/missing', options: json({ name: 'p' }), status: 404, field: 'params.id' },
  { name: 'policy PUT without body', method: 'PUT', path: '/v1/policies/:policy', status: 400, field: 'body' },
  { name: 'policy DELETE missing', method: 'DELETE', path: '/v1/policies/missing', status: 404 },
  { name: 'policy GET long id', method: 'GET', path: `/v1/policies/${longText(201)}`, status: 414 },

  // Org units
  { name: 'org unit id with slash', method: 'POST', path: '/v1/org-units', options: json({ id: 'a/b', name: 'Unit' }), status: 400, field: 'body.id' },
  { name: 'org unit missing parent', method: 'POST', path: '/v1/org-units', options: json({ name: 'Unit', parentId: 'nowhere' }), status: 404, field: 'body.parentId' },
  { name: 'org unit blank name', method: 'POST', path: '/v1/org-units', options: json({ name: '  ' }), status: 400, field: 'body.name' },
  { name: 'org unit name number', method: 'POST', path: '/v1/org-units', options: json({ name: 7 }), status: 400, field: 'body.name' },

  // Enrolment
  { name: 'agent without version', method: 'PUT', path: '/v1/enrolment/agent', options: json({}), status: 400, field: 'body.appVersionId' },
  { name: 'agent missing version', method: 'PUT', path: '/v1/enrolment/agent', options: json({ appVersionId: 'missing' }), status: 404, field: 'body.appVersionId' },
  { name: 'agent bad component', method: 'PUT', path: '/v1/enrolment/agent', options: json({ appVersionId: ':version', adminComponent: 'nonsense' }), status: 400, field: 'body.adminComponent' },
  { name: 'token without policy', method: 'POST', path: '/v1/enrolment/tokens', options: json({}), status: 400, field: 'body.policyId' },
  { name: 'token bad id source', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', deviceIdSource: 'mac' }), status: 400, field: 'body.deviceIdSource' },
  { name: 'token device id with slash', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', presetDeviceId: 'a/b' }), status: 400, field: 'body.presetDeviceId' },
  { name: 'token preset and source', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', presetDeviceId: 'a', deviceIdSource: 'serial' }), status: 400, field: 'body.deviceIdSource' },
  { name: 'token preset with many uses', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', presetDeviceId: 'a', maxUses: 5 }), status: 400, field: 'body.maxUses' },
  { name: 'token password without SSID', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', wifiPassword: 'password1' }), status: 400, field: 'body.wifiSsid' },
  { name: 'token WPA without password', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', wifiSsid: 'net', wifiSecurity: 'WPA' }), status: 400, field: 'body.wifiPassword' },
  { name: 'token short WPA password', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', wifiSsid: 'net', wifiPassword: 'short' }), status: 400, field: 'body.wifiPassword' },
  { name: 'token open network password', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', wifiSsid: 'net', wifiSecurity: 'NONE', wifiPassword: 'password1' }), status: 400, field: 'body.wifiPassword' },
  { name: 'token long SSID', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', wifiSsid: longText(33) }), status: 400, field: 'body.wifiSsid' },
  { name: 'token hours too many', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', expiresInHours: 100_000 }), status: 400, field: 'body.expiresInHours' },
  { name: 'token zero uses', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', maxUses: 0 }), status: 400, field: 'body.maxUses' },
  { name: 'token mobile data text', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', useMobileData: 'yes' }), status: 400, field: 'body.useMobileData' },
  { name: 'token missing org unit', method: 'POST', path: '/v1/enrolment/tokens', options: json({ policyId: ':policy', orgUnitId: 'nowhere' }), status: 404, field: 'body.orgUnitId' },
  { name: 'revoke missing token', method: 'POST', path: '/v1/enrolment/tokens/missing/revoke', status: 404, field: 'params.id' },
  { name: 'QR JSON missing token', method: 'GET', path: '/v1/enrolment/tokens/missing/qr.json', status: 404 },
  { name: 'QR PNG size text', method: 'GET', path: '/v1/enrolment/tokens/:token/qr.png?size=big', status: 400, field: 'query.size' },
  { name: 'QR PNG size too large', method: 'GET', path: '/v1/enrolment/tokens/:token/qr.png?size=100000', status: 400, field: 'query.size' },

  // Users and audit
  { name: 'user name with space', method: 'POST', path: '/v1/users', options: json({ username: 'a b', password: 'long-enough-1', role: 'viewer' }), status: 400, field: 'body.username' },
  { name: 'user short password', method: 'POST', path: '/v1/users', options: json({ username: 'short', password: 'short', role: 'viewer' }), status: 400, field: 'body.password' },
  { name: 'user unknown role', method: 'POST', path: '/v1/users', options: json({ username: 'root', password: 'long-enough-1', role: 'root' }), status: 400, field: 'body.role' },
  { name: 'user exists', method: 'POST', path: '/v1/users', options: json({ username: 'admin', password: 'long-enough-1', role: 'admin' }), status: 409, field: 'body.username' },
  { name: 'audit negative limit', method: 'GET', path: '/v1/audit?limit=-1', status: 400, field: 'query.limit' },
  { name: 'audit garbage cursor', method: 'GET', path: '/v1/audit?cursor=xyz', status: 400, field: 'query.cursor' },
  { name: 'audit forged cursor', method: 'GET', path: `/v1/audit?cursor=${cursorOf({ at: 'x', id: 1 })}`, status: 400, field: 'query.cursor' },
  { name: 'unknown route', method: 'GET', path: '/v1/nothing-here', status: 404 },
];

describe('bad input on every admin route', () => {
  let server: TestServer;
  let admin: ApiClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    const policy = await admin.post('/v1/policies', { name: 'Bad input policy' });
    ids[':policy'] = policy.body.id;
    ids[':device'] = await insertDevice(server.ctx, { device_id: 'bad-input-device' });
    ids[':version'] = await insertAppVersion(server.ctx, 'org.example.agent', 1);
    ids[':token'] = (await admin.post('/v1/enrolment/tokens', { policyId: policy.body.id })).body.id;
  });
  afterAll(async () => {
    await server.dispose();
  });

  const substitute = (text: string) => text.replace(/:(policy|device|version|token)/g, (placeholder) => ids[placeholder] ?? placeholder);

  for (const entry of BAD_INPUTS) {
    it(`${entry.name}: ${entry.status}`, async () => {
      const options = entry.options?.json === undefined ? entry.options : { ...entry.options, json: JSON.parse(substitute(JSON.stringify(entry.options.json))) };
      const response = await admin.request(entry.method, substitute(entry.path), options);

      expect(response.status).toBe(entry.status);
      expect(typeof response.body?.error).toBe('string');
      expect(response.body?.message.length).toBeGreaterThan(10);
      if (entry.field !== undefined) expect(response.body?.field).toBe(entry.field);
      expect((await admin.get('/v1/auth/session')).status).toBe(200);
    });
  }

  it('wrong-type password is not echoed', async () => {
    const response = await admin.post('/v1/policies', { name: 'p', adminPassword: 987654321 });

    expect(response.status).toBe(400);
    expect(response.body.message).not.toContain('987654321');
  });
});
