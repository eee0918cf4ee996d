import { createHash } from 'node:crypto';
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startTestServer, type TestServer } from '../support/server.js';
import { agentUrl, seedAppVersion, type SeededVersion } from './helpers.js';

let server: TestServer;
let version: SeededVersion;
let path: string;

beforeAll(async () => {
  server = await startTestServer({ publicUrl: 'http://127.0.0.1:1/outpost' });
  version = await seedAppVersion(server.ctx, { packageName: 'io.appium.settings', versionCode: 80, versionName: '8.0.10' });
  path = `/files/apps/${version.id}/${version.fileName}`;
});

afterAll(async () => {
  await server.dispose();
});

async function download(headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(agentUrl(server, path), { method, headers: { 'accept-encoding': 'identity', ...headers } });
  const body = Buffer.from(await response.arrayBuffer());
  return { response, body };
}

describe('app download route', () => {
  it('sends the whole file with its digest', async () => {
    const { response, body } = await download();

    expect(response.status).toBe(200);
    expect(body.equals(version.bytes)).toBe(true);
    expect(response.headers.get('content-length')).toBe(String(version.size));
    expect(response.headers.get('etag')).toBe(`"${version.sha256}"`);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-encoding')).toBeNull();
    const digest = createHash('sha256').update(body).digest('base64');
    expect(response.headers.get('repr-digest')).toBe(`sha-256=:${digest}:`);
  });

  it('sends a requested range', async () => {
    const { response, body } = await download({ range: 'bytes=100-199' });

    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100-199/${version.size}`);
    expect(response.headers.get('content-length')).toBe('100');
    expect(body.equals(version.bytes.subarray(100, 200))).toBe(true);
  });

  it('resumes from an offset to the end', async () => {
    const offset = version.size - 1000;

    const { response, body } = await download({ range: `bytes=${offset}-`, 'if-range': `"${version.sha256}"` });

    expect(response.status).toBe(206);
    expect(body.equals(version.bytes.subarray(offset))).toBe(true);
  });

  it('sends a suffix range', async () => {
    const { response, body } = await download({ range: 'bytes=-10' });

    expect(response.status).toBe(206);
    expect(body.equals(version.bytes.subarray(version.size - 10))).toBe(true);
  });

  it('rejects a range past the end', async () => {
    const { response } = await download({ range: `bytes=${version.size}-` });

    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${version.size}`);
  });

  it('sends the whole file when If-Range names another file', async () => {
    const { response, body } = await download({ range: 'bytes=0-9', 'if-range': '"0000"' });

    expect(response.status).toBe(200);
    expect(body.length).toBe(version.size);
  });

  it('answers HEAD with headers only', async () => {
    const { response, body } = await download({}, 'HEAD');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(version.size));
    expect(response.headers.get('etag')).toBe(`"${version.sha256}"`);
    expect(body.length).toBe(0);
  });

  it('answers 404 to an unknown version or name', async () => {
    const unknownVersion = await fetch(agentUrl(server, `/files/apps/no-such-version/${version.fileName}`));
    const wrongName = await fetch(agentUrl(server, `/files/apps/${version.id}/other.apk`));

    expect(unknownVersion.status).toBe(404);
    expect(wrongName.status).toBe(404);
  });

  it('answers 500 when the stored file is gone', async () => {
    const lost = await seedAppVersion(server.ctx, { packageName: 'io.appium.settings', versionCode: 81, versionName: '8.0.11' });
    const stored = await server.ctx.store.apps.findVersion(lost.id);
    fs.rmSync(server.ctx.blobs.pathOf(stored!.blob_key));

    const response = await fetch(agentUrl(server, `/files/apps/${lost.id}/${lost.fileName}`));

    expect(response.status).toBe(500);
    expect((await response.json()).error).toBe('file_missing');
  });
});
