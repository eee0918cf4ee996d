import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AdminApiError, AdminClient } from '../support/admin-client.js';
import { buildApk } from '../support/apk-builder.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

// Import of DHIS2 Capture releases from a release server run by the test on
// 127.0.0.1, serving a GitHub-shaped listing with three flavours.

let server: TestServer;
let admin: AdminClient;
let releases: http.Server;
let releaseUrl: string;
const files = new Map<string, Buffer>();

beforeAll(async () => {
  server = await startTestServer({ env: { OUTPOST_MAX_UPLOAD_BYTES: String(4 * 1024 * 1024) } });
  admin = await AdminClient.login(server.listenUrl, 'admin', TEST_ADMIN_PASSWORD);

  files.set('dhis2-v3.4.0.apk', await readFile(await buildApk({ packageName: 'com.dhis2', versionCode: 153, versionName: '3.4.0', keyName: 'capture' })));
  // A real Play build shares the versionCode; 154 here gets past the duplicate check to the signer check.
  files.set('dhis2-v3.4.0-googlePlay.apk', await readFile(await buildApk({ packageName: 'com.dhis2', versionCode: 154, versionName: '3.4.0', keyName: 'play' })));
  files.set('dhis2-v3.4.0-training.apk', await readFile(await buildApk({ packageName: 'com.dhis2.training', versionCode: 153, versionName: '3.4.0', keyName: 'training' })));
  files.set('notes.txt', Buffer.from('not an apk'));

  releases = http.createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/release.json') {
      const assets = [...files.keys()].filter((name) => name.endsWith('.apk')).reverse().map((name) => ({
        name,
        browser_download_url: `${releaseUrl}/download/${name}`,
        size: files.get(name)!.length,
      }));
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ tag_name: 'v3.4.0', assets }));
      return;
    }
    if (path === '/huge.json') {
      const assets = [{ name: 'dhis2-v9.9.apk', browser_download_url: `${releaseUrl}/download/x`, size: 1e9 }];
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ assets }));
      return;
    }
    if (path === '/redirect') {
      response.writeHead(302, { location: '/download/dhis2-v3.4.0.apk' }).end();
      return;
    }
    if (path === '/big.apk') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(Buffer.alloc(5 * 1024 * 1024));
      return;
    }
    const file = files.get(path.replace('/download/', ''));
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(file);
  });
  await new Promise<void>((resolve) => releases.listen(0, '127.0.0.1', resolve));
  releaseUrl = `http://127.0.0.1:${(releases.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => releases?.close(resolve));
  await server?.dispose();
});

async function importError(body: Record<string, unknown>): Promise<AdminApiError> {
  try {
    await admin.post('/apps/import', body);
  } catch (error) {
    if (error instanceof AdminApiError) return error;
    throw error;
  }
  throw new Error(`import of ${JSON.stringify(body)} succeeded`);
}

describe('release import', () => {
  it('picks the plain asset of three', async () => {
    const plainSha = createHash('sha256').update(files.get('dhis2-v3.4.0.apk')!).digest('hex');

    const result = await admin.post<{ version: { fileSha256: string; versionCode: number; fileName: string }; source: { assetName: string } }>('/apps/import', {
      url: `${releaseUrl}/release.json`,
      sha256: plainSha,
    });

    expect(result.source.assetName).toBe('dhis2-v3.4.0.apk');
    expect(result.version.fileSha256).toBe(plainSha);
    expect(result.version.versionCode).toBe(153);
    expect(result.version.fileName).toBe('dhis2-v3.4.0.apk');
  });

  it('picks a requested variant', async () => {
    const result = await admin.post<{ app: { packageName: string } }>('/apps/import', { url: `${releaseUrl}/release.json`, variant: 'training' });
    expect(result.app.packageName).toBe('com.dhis2.training');
  });

  it('rejects a signer change without confirmation', async () => {
    const error = await importError({ url: `${releaseUrl}/release.json`, variant: 'googlePlay' });
    expect(error.status).toBe(409);
    expect(error.body).toMatchObject({ error: 'signer_changed' });
    expect((error.body as { message: string }).message).toMatch(/Android refuses to update/);
  });

  it.each([
    ['non-http URL', { url: 'ftp://127.0.0.1/dhis2.apk' }, 400, 'invalid_request'],
    ['unreachable host', { url: 'http://127.0.0.1:1/release.json' }, 422, 'url_unreachable'],
    ['missing file', { url: 'RELEASE/download/none.apk' }, 422, 'url_http_error'],
    ['listed size too large', { url: 'RELEASE/huge.json' }, 413, 'payload_too_large'],
    ['streamed file too large', { url: 'RELEASE/big.apk' }, 413, 'payload_too_large'],
    ['file that is no APK', { url: 'RELEASE/download/notes.txt' }, 422, /^invalid_apk_/],
    ['hash mismatch', { url: 'RELEASE/redirect', sha256: '0'.repeat(64) }, 422, 'sha256_mismatch'],
  ])('rejects %s', async (_name, body, status, code) => {
    const error = await importError({ ...body, url: body.url.replace('RELEASE', releaseUrl) });
    expect(error.status).toBe(status);
    expect((error.body as { error: string }).error).toMatch(code);
    expect((error.body as { message: string }).message.length).toBeGreaterThan(20);
  });
});

describe('upload signer continuity', () => {
  it('accepts a confirmed signer change and audits it', async () => {
    const bytes = await readFile(await buildApk({ packageName: 'org.example.signer', versionCode: 1, versionName: '1', keyName: 'first' }));
    await admin.uploadApk(bytes, 'signer-1.apk');
    const other = await readFile(await buildApk({ packageName: 'org.example.signer', versionCode: 2, versionName: '2', keyName: 'second' }));

    const refused = await admin.uploadApk(other, 'signer-2.apk').catch((error: unknown) => error as AdminApiError);
    expect(refused).toBeInstanceOf(AdminApiError);
    expect((refused as AdminApiError).status).toBe(409);

    const response = await fetch(`${server.listenUrl}/api/v1/apps/upload?fileName=signer-2.apk&confirmSignerChange=true`, {
      method: 'POST',
      headers: { cookie: (admin as unknown as { cookie: string }).cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/vnd.android.package-archive' },
      body: new Uint8Array(other),
    });
    expect(response.status).toBe(201);

    const audit = await admin.get<{ items: Array<{ action: string; details: { signerChanged?: boolean; packageName?: string } }> }>('/audit?limit=20');
    const upload = audit.items.find((item) => item.action === 'app.upload' && item.details.packageName === 'org.example.signer' && item.details.signerChanged);
    expect(upload).toBeDefined();

    const rollout = await admin.post<{ warnings: string[]; signerChanged: boolean }>('/rollouts', {
      packageName: 'org.example.signer',
      versionCode: 2,
      stages: [{ startsAt: Date.now() + 60_000, percent: 100, failureThreshold: 10 }],
    });
    expect(rollout.signerChanged).toBe(true);
    expect(rollout.warnings[0]).toMatch(/^signer_changed:/);
  });
});
