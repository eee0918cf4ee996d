// The APK upload route against hostile input: file names that try to leave
// the blob directory, bodies over the limit, and ZIP files built to exhaust
// time or memory. Each must end in a 4xx within a bound.
import fs from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ApiClient, signInAsAdmin, startApiServer } from '../admin-api/support/client.js';
import { FIXTURE_APK } from '../agent-api/helpers.js';
import { removeBuiltApks, tempPath, writeZip, type ZipEntrySpec } from '../support/apk-builder.js';
import type { TestServer } from '../support/server.js';

const APK_TYPE = 'application/vnd.android.package-archive';

// A small limit lets the oversized case send a few MiB, not 500.
const MAX_UPLOAD_BYTES = 8 * 1024 * 1024;

// Bounds for one hostile upload on the 2-core CI machine: an estimate with
// ample room, since real APKs of 40 MB parse in well under a second.
const MAX_HOSTILE_UPLOAD_MS = 5_000;
const MAX_HOSTILE_RSS_GROWTH_BYTES = 150 * 1024 * 1024;

const TRAVERSAL_NAMES = ['../../x', '..\\..\\x.apk', '/etc/passwd', '....//....//x.apk', 'a\u0000b.apk', '"; filename="evil.apk', '.htaccess'];

/** Runs `work` while sampling the process's resident memory, and returns the peak growth. */
async function measure<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; rssGrowth: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, ms: performance.now() - started, rssGrowth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

async function zipBytes(entries: ZipEntrySpec[]): Promise<Buffer> {
  const file = tempPath('hostile.apk');
  await writeZip(file, entries);
  return fs.readFileSync(file);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('upload route hardening', () => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startApiServer({ env: { OUTPOST_MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) } });
    admin = await signInAsAdmin(server);
  });
  afterAll(async () => {
    removeBuiltApks();
    await server?.dispose();
  });

  const upload = (bytes: Buffer, query = '') => admin.request('POST', `/v1/apps/upload${query}`, { raw: bytes, contentType: APK_TYPE });

  for (const name of TRAVERSAL_NAMES) {
    it(`file name ${JSON.stringify(name)} stays a plain name`, async () => {
      const response = await upload(fs.readFileSync(FIXTURE_APK), `?fileName=${encodeURIComponent(name)}`);
      try {
        expect(response.status).toBe(201);
        const fileName: string = response.body.version.fileName;
        expect(fileName).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);

        // Every stored file is under blobs/objects, named by its SHA-256,
        // and nothing exists where the name would point from a blob folder.
        const stored = listFiles(server.dataDir).filter((file) => !/outpost\.sqlite(-wal|-shm)?$/.test(file));
        expect(stored).toEqual([path.join(server.dataDir, 'blobs', 'objects', `${response.body.version.fileSha256}.apk`)]);
        if (name !== '/etc/passwd') {
          const target = path.resolve(server.dataDir, 'blobs', 'objects', name.replace(/\\/g, '/').replace(/\u0000/g, ''));
          expect(fs.existsSync(target), target).toBe(false);
        }

        const download = await admin.get(`/v1/apps/versions/${response.body.version.id}/download`);
        expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${fileName}"`);
      } finally {
        // The same file may be uploaded again under the next name.
        await server.ctx.store.db.deleteFrom('app_versions').execute();
        await server.ctx.store.db.deleteFrom('apps').execute();
        fs.rmSync(path.join(server.dataDir, 'blobs', 'objects'), { recursive: true, force: true });
        fs.mkdirSync(path.join(server.dataDir, 'blobs', 'objects'));
      }
    });
  }

  it('body over the limit gets 413', async () => {
    const { result, ms } = await measure(() => upload(Buffer.alloc(MAX_UPLOAD_BYTES + 1024 * 1024, 0x41)));

    expect(result.status).toBe(413);
    expect(ms).toBeLessThan(MAX_HOSTILE_UPLOAD_MS);
    expect(fs.readdirSync(path.join(server.dataDir, 'blobs', 'tmp'))).toEqual([]);
    expect(await server.ctx.store.apps.listAllVersions()).toEqual([]);
  });

  const hostileZips: Array<[string, () => Promise<Buffer>]> = [
    [
      'manifest zip bomb',
      // 64 MiB of zeros deflate to about 64 KiB; the manifest limit is 8 MiB.
      () => zipBytes([{ name: 'AndroidManifest.xml', data: Buffer.alloc(64 * 1024 * 1024), deflate: true, declaredSize: 4096 }]),
    ],
    [
      'resource table zip bomb',
      () =>
        zipBytes([
          { name: 'AndroidManifest.xml', data: Buffer.alloc(16) },
          { name: 'resources.arsc', data: Buffer.alloc(96 * 1024 * 1024), deflate: true, declaredSize: 1024 },
        ]),
    ],
    [
      'entry count at the ZIP maximum',
      () => zipBytes(Array.from({ length: 65_535 }, (_unused, index) => ({ name: `e${index}`, data: Buffer.alloc(0) }))),
    ],
    [
      'deflate stream of garbage',
      () => zipBytes([{ name: 'AndroidManifest.xml', data: Buffer.alloc(1000), compressed: Buffer.alloc(5000, 0xff) }]),
    ],
    [
      'truncated deflate stream',
      () => zipBytes([{ name: 'AndroidManifest.xml', data: Buffer.alloc(1000), compressed: deflateRawSync(Buffer.alloc(100_000)).subarray(0, 20) }]),
    ],
    [
      'central directory past the end',
      async () => {
        const bytes = await zipBytes([{ name: 'AndroidManifest.xml', data: Buffer.alloc(100) }]);
        bytes.writeUInt32LE(0x7fff_ffff, bytes.length - 6);
        return bytes;
      },
    ],
  ];

  for (const [name, build] of hostileZips) {
    it(`${name} is rejected within bounds`, async () => {
      const bytes = await build();
      const { result, ms, rssGrowth } = await measure(() => upload(bytes));

      expect(result.status).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
      expect(ms).toBeLessThan(MAX_HOSTILE_UPLOAD_MS);
      expect(rssGrowth).toBeLessThan(MAX_HOSTILE_RSS_GROWTH_BYTES);
      expect(fs.readdirSync(path.join(server.dataDir, 'blobs', 'tmp'))).toEqual([]);
    });
  }
});
