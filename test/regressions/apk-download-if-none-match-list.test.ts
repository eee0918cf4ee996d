// A client holding the APK may send If-None-Match as a list of tags, as a
// weak tag or as "*". The download route compared the header with its
// ETag as one string, so each of those got the whole file again instead
// of a 304.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newId } from '../../src/store/ids.js';
import { agentUrl } from '../agent-api/helpers.js';
import { startTestServer, type TestServer } from '../support/server.js';

const FILE_BYTES = 4096;

let server: TestServer;
let path: string;
let etag: string;

beforeAll(async () => {
  server = await startTestServer();
  const bytes = randomBytes(FILE_BYTES);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  etag = `"${sha256}"`;
  fs.writeFileSync(server.ctx.blobs.pathOf(`${sha256}.apk`), bytes);

  const appId = newId();
  await server.ctx.store.apps.insertApp({ id: appId, packageName: 'org.example.cached', label: null });
  const id = newId();
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
    blob_key: `${sha256}.apk`,
    file_name: 'cached.apk',
    created_at: Date.now(),
    created_by: 'test',
  });
  path = `/files/apps/${id}/cached.apk`;
});

afterAll(async () => {
  await server.dispose();
});

async function statusWith(ifNoneMatch: string): Promise<number> {
  const response = await fetch(agentUrl(server, path), { headers: { 'if-none-match': ifNoneMatch } });
  await response.arrayBuffer();
  return response.status;
}

describe('If-None-Match on an APK download', () => {
  it('returns 304 for a matching tag', async () => {
    expect(await statusWith(etag)).toBe(304);
    expect(await statusWith(`"0000", ${etag}`)).toBe(304);
    expect(await statusWith(`W/${etag}`)).toBe(304);
    expect(await statusWith('*')).toBe(304);
  });

  it('sends the file when no tag names it', async () => {
    expect(await statusWith('"0000", W/"1111"')).toBe(200);
  });
});
