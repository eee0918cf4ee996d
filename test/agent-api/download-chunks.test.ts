// Downloads of files larger than one read buffer: bodies cross chunk
// boundaries, many run at once on a bounded set of buffers, and the
// response head stays as the agent route sends it.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newId } from '../../src/store/ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { agentUrl } from './helpers.js';

// Two and a half read buffers of 1 MiB, so a body has a partial last chunk.
const FILE_BYTES = 2.5 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
// More downloads than the 32 pooled buffers, so some use small overflow buffers.
const CONCURRENT_DOWNLOADS = 40;

let server: TestServer;
let bytes: Buffer;
let path: string;

beforeAll(async () => {
  server = await startTestServer({ publicUrl: 'http://127.0.0.1:1/outpost' });
  bytes = randomBytes(FILE_BYTES);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const blobKey = `${sha256}.apk`;
  fs.writeFileSync(server.ctx.blobs.pathOf(blobKey), bytes);

  const appId = newId();
  await server.ctx.store.apps.insertApp({ id: appId, packageName: 'org.example.large', label: null });
  const id = newId();
  const fileName = 'org.example.large-1.apk';
  await server.ctx.store.apps.insertVersion({
    id,
    app_id: appId,
    version_code: 1,
    version_name: '1.0',
    min_sdk: 21,
    target_sdk: 33,
    label: null,
    size: FILE_BYTES,
    file_sha256: sha256,
    signer_sha256: 'ab'.repeat(32),
    signature_schemes: 'v2',
    blob_key: blobKey,
    file_name: fileName,
    created_at: Date.now(),
    created_by: 'test',
  });
  path = `/files/apps/${id}/${fileName}`;
});

afterAll(async () => {
  await server.dispose();
});

async function download(headers: Record<string, string> = {}) {
  const response = await fetch(agentUrl(server, path), { headers: { 'accept-encoding': 'identity', ...headers } });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

describe('download over several chunks', () => {
  it('sends the whole file', async () => {
    const { response, body } = await download();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(FILE_BYTES));
    expect(body.equals(bytes)).toBe(true);
  });

  it('sends a range across a chunk boundary', async () => {
    const start = CHUNK_BYTES - 100;
    const end = 2 * CHUNK_BYTES + 99;
    const { response, body } = await download({ range: `bytes=${start}-${end}` });

    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${FILE_BYTES}`);
    expect(body.equals(bytes.subarray(start, end + 1))).toBe(true);
  });

  it('completes many downloads at once', async () => {
    const results = await Promise.all(Array.from({ length: CONCURRENT_DOWNLOADS }, () => download()));

    for (const { response, body } of results) {
      expect(response.status).toBe(200);
      expect(body.length).toBe(FILE_BYTES);
      expect(body.equals(bytes)).toBe(true);
    }
  });

  it('answers HEAD without a body', async () => {
    const response = await fetch(agentUrl(server, path), { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(FILE_BYTES));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('keeps nosniff and the validators', async () => {
    const { response } = await download({ range: 'bytes=0-0' });

    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    expect(response.headers.get('last-modified')).not.toBeNull();
    expect(response.headers.get('content-type')).toBe('application/vnd.android.package-archive');
  });

  it('survives a client that drops the connection', async () => {
    const url = new URL(agentUrl(server, path));
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
      });
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', reject);
    });

    // The server still serves the next download in full.
    const { body } = await download();
    expect(body.equals(bytes)).toBe(true);
  });
});
