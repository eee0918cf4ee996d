import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.js';
import { waitForDhis2Syncs } from '../../src/services/admin/dhis2-sync.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { AdminApiError, AdminClient } from '../support/admin-client.js';
import { startDhis2Standin, type Dhis2Standin } from '../support/dhis2-standin.js';
import { TEST_ADMIN_PASSWORD } from '../support/server.js';

// Every log line of the server, to show that no token ever reaches the log.
const logLines: string[] = [];
const TOKEN = 'd2p_secretTokenThatMustNeverLeaveOutpost0123456789';

let dataDir: string;
let server: RunningServer;
let admin: AdminClient;
let dhis2: Dhis2Standin;

beforeAll(async () => {
  dhis2 = await startDhis2Standin({ orgUnits: 600, users: 120, token: TOKEN });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-dhis2-api-'));
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = loadConfig({ host: '127.0.0.1', port: 0, dataDir, publicUrl: 'http://127.0.0.1:1' }, { OUTPOST_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
  server = await startServer(config, pino({ level: 'debug' }, stream));
  admin = await AdminClient.login(server.listenUrl, 'admin', TEST_ADMIN_PASSWORD);
  // The schedule would start its own runs; these tests start them by hand.
  await admin.put('/dhis2/sync/settings', { enabled: false, intervalMinutes: 60 });
});

afterAll(async () => {
  await waitForDhis2Syncs();
  await server.close();
  await dhis2.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function expectRefusal(call: Promise<unknown>, status: number, field?: string): Promise<string> {
  const error = (await call.then(
    () => null,
    (caught: unknown) => caught,
  )) as AdminApiError | null;
  expect(error).toBeInstanceOf(AdminApiError);
  expect(error!.status).toBe(status);
  const body = error!.body as { message: string; field?: string };
  if (field) expect(body.field).toBe(field);
  return body.message;
}

describe('DHIS2 connection API', () => {
  it('refuses base URLs that are not http or https, naming the field', async () => {
    for (const baseUrl of ['ftp://dhis2.example.org', 'javascript:alert(1)', 'file:///etc/passwd', 'dhis2.example.org']) {
      const message = await expectRefusal(admin.put('/dhis2/connection', { baseUrl, token: TOKEN }), 400, 'body.baseUrl');
      expect(message).toMatch(/base URL/);
    }
    expect(await expectRefusal(admin.put('/dhis2/connection', { baseUrl: `${dhis2.url}/api`, token: TOKEN }), 400, 'body.baseUrl')).toMatch(/before \/api/);
    expect(await expectRefusal(admin.put('/dhis2/connection', { baseUrl: 'https://u:p@dhis2.example.org', token: TOKEN }), 400, 'body.baseUrl')).toMatch(/password/);
    expect(await expectRefusal(admin.put('/dhis2/connection', { baseUrl: dhis2.url }), 400, 'body.token')).toMatch(/token/);
    expect(await expectRefusal(admin.put('/dhis2/connection', { baseUrl: dhis2.url, token: 'two words' }), 400, 'body.token')).toMatch(/one word/);
    await expectRefusal(admin.put('/dhis2/connection', { baseUrl: dhis2.url, token: TOKEN, timeoutSeconds: 0 }), 400, 'body.timeoutSeconds');
  });

  it('stores the token encrypted and never returns it', async () => {
    const saved = await admin.put<Record<string, unknown>>('/dhis2/connection', { baseUrl: `${dhis2.url}/`, token: TOKEN, timeoutSeconds: 10 });
    expect(saved).toMatchObject({ configured: true, baseUrl: dhis2.url, tokenSet: true, timeoutSeconds: 10 });
    expect(JSON.stringify(saved)).not.toContain(TOKEN);
    expect(JSON.stringify(await admin.get('/dhis2/connection'))).not.toContain(TOKEN);

    const row = await server.ctx.store.db.selectFrom('settings').selectAll().where('key', '=', 'dhis2.connection').executeTakeFirstOrThrow();
    expect(row.value_json).not.toContain(TOKEN);
    expect(row.value_json).not.toContain(Buffer.from(TOKEN).toString('base64'));
    const stored = JSON.parse(row.value_json) as { baseUrl: string; tokenCiphertext: string; keyId: string };
    expect(stored.baseUrl).toBe(dhis2.url);
    expect(stored.tokenCiphertext).toMatch(/^v1:[A-Za-z0-9+/=]+$/);

    // Without OUTPOST_SECRET_KEY the key was generated into the data directory, readable by its owner only.
    const keyFile = path.join(dataDir, 'secret.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tests the connection and shows the DHIS2 version and the token user', async () => {
    for (const [version, full] of [
      ['2.38', '2.38.7'],
      ['2.41', '2.41.3'],
      ['2.43', '2.43.1'],
    ]) {
      dhis2.setVersion(version!);
      const result = await admin.post<Record<string, unknown>>('/dhis2/connection/test', {});
      expect(result).toMatchObject({ ok: true, version: full, support: 'supported', user: { id: 'xE7jOejl9FI', username: 'admin' } });
    }

    dhis2.setVersion('2.37.9');
    expect(await admin.post('/dhis2/connection/test', {})).toMatchObject({ ok: false, support: 'too_old', message: expect.stringMatching(/older than 2\.38/) });
    dhis2.setVersion('2.44.0');
    expect(await admin.post('/dhis2/connection/test', {})).toMatchObject({ ok: true, support: 'newer' });
    dhis2.setVersion('2.40');

    const wrong = await admin.post<{ ok: boolean; message: string }>('/dhis2/connection/test', { token: 'd2p_wrong' });
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/rejected the access token.*401/s);
    expect(JSON.stringify(await admin.get('/dhis2/connection'))).toMatch(/"lastTest":\{[^}]*"ok":true/);
  });

  it('runs a sync, shows progress and the run log, and lists the attention list', async () => {
    const started = await admin.post<{ id: string; state: string }>('/dhis2/sync/runs', {});
    expect(started.state).toBe('running');
    await waitForDhis2Syncs();

    const run = await admin.get<{ state: string; units: { added: number }; users: { added: number } }>(`/dhis2/sync/runs/${started.id}`);
    expect(run).toMatchObject({ state: 'succeeded', units: { added: 600 }, users: { added: 120 } });
    const status = await admin.get<{ totals: { units: number; users: number }; running: unknown }>('/dhis2/sync');
    expect(status).toMatchObject({ totals: { units: 600, users: 120 }, running: null });
    expect(await admin.get<unknown[]>('/dhis2/sync/runs?limit=5')).toHaveLength(1);

    const attention = await admin.get<{ noDevice: { total: number }; noUser: { total: number } }>('/dhis2/attention?limit=5');
    // The 50 recorded users have no org unit; the recorded admin and every generated user have one, and no phone yet.
    expect(attention.noDevice.total).toBe(120 - 50);
    await expectRefusal(admin.get('/dhis2/attention?orgUnitId=nope'), 404, 'query.orgUnitId');
    await expectRefusal(admin.get('/dhis2/sync/runs/not-a-run'), 404, 'params.id');
    await expectRefusal(admin.put('/dhis2/sync/settings', { enabled: true, intervalMinutes: 1 }), 400, 'body.intervalMinutes');
  });

  it('shows APK_DISTRIBUTION and turns a DHIS2 failure into a 422', async () => {
    const view = await admin.get<{ entries: { owner: string }[]; settings: { writeEnabled: boolean } }>('/dhis2/apk-distribution');
    expect(view.entries).toHaveLength(3);
    expect(view.entries.every((entry) => entry.owner === 'other')).toBe(true);
    expect(view.settings.writeEnabled).toBe(false);
    expect(await expectRefusal(admin.post('/dhis2/apk-distribution/write', { expectedHash: 'x' }), 409)).toMatch(/Writing APK_DISTRIBUTION is off/);
    await expectRefusal(admin.put('/dhis2/apk-distribution/settings', { writeEnabled: true, links: [{ userGroupId: 'not-a-uid', rolloutId: 'r' }] }), 400);

    dhis2.setMode('html');
    try {
      const error = (await admin.get('/dhis2/apk-distribution').catch((caught: unknown) => caught)) as AdminApiError;
      expect(error.status).toBe(422);
      expect(error.body).toMatchObject({ error: 'dhis2_not_json', message: expect.stringMatching(/HTML page instead of JSON/) });
    } finally {
      dhis2.setMode('normal');
    }
  });

  it('reports a wrong token in the run log and keeps the synced data', async () => {
    dhis2.setToken('d2p_rotatedInDhis2');
    const started = await admin.post<{ id: string }>('/dhis2/sync/runs', { full: true });
    await waitForDhis2Syncs();
    const run = await admin.get<{ state: string; error: string }>(`/dhis2/sync/runs/${started.id}`);
    expect(run.state).toBe('failed');
    expect(run.error).toMatch(/rejected the access token/);
    expect((await admin.get<{ totals: { units: number } }>('/dhis2/sync')).totals.units).toBe(600);
    dhis2.setToken(TOKEN);
  });

  it('never writes the token to the log or the audit trail', async () => {
    const audit = await admin.get<{ items: { action: string }[] }>('/audit?limit=200');
    expect(audit.items.map((event) => event.action)).toEqual(expect.arrayContaining(['dhis2.connection.save', 'dhis2.connection.test', 'dhis2.sync.start']));
    expect(JSON.stringify(audit)).not.toContain(TOKEN);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(TOKEN);
    expect(logLines.join('')).toContain('dhis2 sync finished');
  });
});

describe('OUTPOST_SECRET_KEY', () => {
  it('accepts 32 bytes as hex or base64 and refuses anything else without echoing it', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({}, { OUTPOST_SECRET_KEY: hex }).secretKey?.toString('hex')).toBe(hex);
    expect(loadConfig({}, { OUTPOST_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }).secretKey).toEqual(Buffer.alloc(32, 7));
    expect(loadConfig({}, {}).secretKey).toBeNull();
    expect(() => loadConfig({}, { OUTPOST_SECRET_KEY: 'short-secret' })).toThrow(ConfigError);
    expect(() => loadConfig({}, { OUTPOST_SECRET_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
