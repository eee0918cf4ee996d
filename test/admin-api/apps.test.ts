import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApk, removeBuiltApks } from '../support/apk-builder.js';
import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, startApiServer } from './support/client.js';
import { FIXTURE_APK as fixtureApkPath } from '../support/fixtures.js';

const FIXTURE_APK = fixtureApkPath;
const APK_TYPE = 'application/vnd.android.package-archive';

function tempFiles(server: TestServer): string[] {
  return fs.readdirSync(path.join(server.dataDir, 'blobs', 'tmp'));
}

async function upload(client: ApiClient, bytes: Buffer, fileName?: string, contentType = APK_TYPE) {
  const query = fileName === undefined ? '' : `?fileName=${encodeURIComponent(fileName)}`;
  return client.request('POST', `/v1/apps/upload${query}`, { raw: bytes, contentType });
}

describe('APK upload', () => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    await server.dispose();
    removeBuiltApks();
  });

  it('reads the fixture APK and stores it', async () => {
    const response = await upload(admin, fs.readFileSync(FIXTURE_APK), 'Appium Settings 8.0.10.apk');

    expect(response.status).toBe(201);
    expect(response.body.app.packageName).toBe('io.appium.settings');
    expect(response.body.app.label).toBe('Appium Settings');
    const version = response.body.version;
    expect(version.versionCode).toBe(192);
    expect(version.versionName).toBe('8.0.10');
    expect(version.minSdk).toBe(26);
    expect(version.targetSdk).toBe(35);
    expect(version.signatureSchemes).toEqual(['v2']);
    expect(version.signerSha256).toBe('680dbbc39ab0944796c811b636ace510c8e551317087036cebab0751b0a6190c');
    expect(version.fileSha256).toBe('4c5d60ab5ae56502857dc625e1dde2996fa6d9e64c479bbce59214774e2129dd');
    expect(version.size).toBe(3_076_294);
    expect(version.fileName).toBe('Appium_Settings_8.0.10.apk');
    expect(await server.ctx.blobs.exists(`${version.fileSha256}.apk`)).toBe(true);
    expect(tempFiles(server)).toEqual([]);
  });

  it('download returns the same bytes', async () => {
    const apps = await admin.get('/v1/apps');
    const version = apps.body.find((app: { packageName: string }) => app.packageName === 'io.appium.settings').versions[0];
    const response = await admin.get(`/v1/apps/versions/${version.id}/download`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(APK_TYPE);
    expect(response.headers.get('content-disposition')).toContain('Appium_Settings_8.0.10.apk');
    expect(createHash('sha256').update(response.bytes).digest('hex')).toBe(version.fileSha256);
  });

  it('duplicate file is 409 naming the existing version', async () => {
    const existing = (await server.ctx.store.apps.listAllVersions()).find((version) => version.version_code === 192);
    const response = await upload(admin, fs.readFileSync(FIXTURE_APK));

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('duplicate_apk');
    expect(response.body.message).toContain('8.0.10');
    expect(response.body.message).toContain(existing?.id);
    expect(tempFiles(server)).toEqual([]);
  });

  it('lists versions by versionCode, not versionName', async () => {
    const builds = [
      { versionCode: 10, versionName: '1.10' },
      { versionCode: 100, versionName: '2.3.1-rc1' },
      { versionCode: 9, versionName: '1.9' },
    ];
    for (const build of builds) {
      const apk = await buildApk({ packageName: 'org.example.order', ...build, keyName: 'order' });
      expect((await upload(admin, fs.readFileSync(apk))).status).toBe(201);
    }

    const apps = await admin.get('/v1/apps');
    const app = apps.body.find((entry: { packageName: string }) => entry.packageName === 'org.example.order');
    expect(app.versions.map((version: { versionCode: number }) => version.versionCode)).toEqual([100, 10, 9]);
    expect(app.versions.map((version: { versionName: string }) => version.versionName)).toEqual(['2.3.1-rc1', '1.10', '1.9']);
  });

  it('another file with a known versionCode is 409', async () => {
    const apk = await buildApk({ packageName: 'org.example.order', versionCode: 10, versionName: '1.10-rebuilt', keyName: 'order' });
    const response = await upload(admin, fs.readFileSync(apk));

    expect(response.status).toBe(409);
    expect(response.body.error).toBe('duplicate_version_code');
    expect(response.body.message).toContain('higher versionCode');
  });

  it('text file is 422 and leaves no file behind', async () => {
    const response = await upload(admin, Buffer.from('This is a text file, not an APK.\n'), 'notes.apk');

    expect(response.status).toBe(422);
    expect(response.body.error).toMatch(/^invalid_apk_/);
    expect(response.body.message.length).toBeGreaterThan(10);
    expect(tempFiles(server)).toEqual([]);
  });

  it('truncated APK is 422', async () => {
    const bytes = fs.readFileSync(FIXTURE_APK);
    const response = await upload(admin, bytes.subarray(0, Math.floor(bytes.length / 2)));

    expect(response.status).toBe(422);
    expect(response.body.error).toMatch(/^invalid_apk_/);
    expect(tempFiles(server)).toEqual([]);
  });

  it('octet-stream is accepted as an APK type', async () => {
    const apk = await buildApk({ packageName: 'org.example.octet', versionCode: 1, versionName: '1', keyName: 'order' });
    const response = await upload(admin, fs.readFileSync(apk), undefined, 'application/octet-stream');

    expect(response.status).toBe(201);
    expect(response.body.version.fileName).toBe('org.example.octet-1.apk');
  });

  it('JSON body is 415', async () => {
    const response = await admin.post('/v1/apps/upload', { apk: 'base64...' });

    expect(response.status).toBe(415);
    expect(response.body.message).toContain(APK_TYPE);
  });

  it('upload is audited', async () => {
    const events = await server.ctx.store.audit.list(100);
    const uploads = events.filter((event) => event.action === 'app.upload');

    expect(uploads.length).toBeGreaterThanOrEqual(4);
    expect(uploads.every((event) => event.actor === 'admin')).toBe(true);
  });
});

describe('APK upload limit', () => {
  const LIMIT = 100_000;
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startApiServer({ env: { OUTPOST_MAX_UPLOAD_BYTES: String(LIMIT) } });
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('over the limit is 413 with no file kept', async () => {
    const response = await upload(admin, fs.readFileSync(FIXTURE_APK));

    expect(response.status).toBe(413);
    expect(response.body.error).toBe('payload_too_large');
    expect(response.body.message).toContain(String(LIMIT));
    expect(tempFiles(server)).toEqual([]);
    expect(await server.ctx.store.apps.listAllVersions()).toEqual([]);
  });

  it('streamed body without a length is 413 past the limit', async () => {
    const chunk = Buffer.alloc(16_384, 1);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= LIMIT * 3) {
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${admin.apiBase}/v1/apps/upload`, {
      method: 'POST',
      headers: { cookie: admin.cookie ?? '', 'x-csrf-token': admin.csrfToken ?? '', 'content-type': APK_TYPE },
      body,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(tempFiles(server)).toEqual([]);
  });

  it('aborted upload leaves no file behind', async () => {
    const url = new URL(`${admin.apiBase}/v1/apps/upload`);
    const request = http.request(url, {
      method: 'POST',
      headers: {
        cookie: admin.cookie ?? '',
        'x-csrf-token': admin.csrfToken ?? '',
        'content-type': APK_TYPE,
        'content-length': String(LIMIT - 1),
      },
    });
    request.on('error', () => {});
    request.write(Buffer.alloc(LIMIT / 2, 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    request.destroy();

    for (let attempt = 0; attempt < 50 && tempFiles(server).length > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(tempFiles(server)).toEqual([]);
  });

  it('server still answers after a rejected upload', async () => {
    expect((await admin.get('/v1/auth/session')).status).toBe(200);
  });
});
