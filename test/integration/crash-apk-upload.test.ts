// An APK upload cut by SIGKILL of the server: after a restart on the same
// data directory and database, no half file is visible as an app version,
// no file is left behind, and the same upload succeeds.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { FIXTURE_APK } from '../support/fixtures.js';
import { adminRequest, crashDatabases, CrashSite, signIn, type AdminSession, type ChildServer } from './crash-support.js';

const apk = fs.readFileSync(FIXTURE_APK);
const apkSha256 = createHash('sha256').update(apk).digest('hex');

function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/**
 * Sends the first `sentBytes` of the APK as an upload that announces the
 * whole length, and resolves once the server has staged part of it on disk.
 * `ended` settles with the status or the error that ends the connection.
 * It is wrapped in an object, because an async function that returned it
 * bare would make the caller wait for it.
 */
async function startPartialUpload(site: CrashSite, session: AdminSession, sentBytes: number): Promise<{ ended: Promise<unknown> }> {
  const request = http.request(`${site.url}/api/v1/apps/upload?fileName=crash.apk`, {
    method: 'POST',
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
      'content-type': 'application/vnd.android.package-archive',
      'content-length': String(apk.length),
    },
  });
  const ended = new Promise((resolve) => {
    request.on('response', (response) => resolve(response.statusCode));
    request.on('error', (error) => resolve(error));
  });
  request.write(apk.subarray(0, sentBytes));

  const tempDir = path.join(site.dataDir, 'blobs', 'tmp');
  const deadline = Date.now() + 10_000;
  while (!filesIn(tempDir).some((name) => fs.statSync(path.join(tempDir, name)).size > 0)) {
    if (Date.now() > deadline) throw new Error('the server staged no part of the upload within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { ended };
}

for (const backend of crashDatabases()) {
  describe(`APK upload killed midway on ${backend.name}`, () => {
    let site: CrashSite;
    let server: ChildServer | undefined;

    afterAll(async () => {
      await server?.kill();
      await site?.dispose();
    });

    it('leaves no version, no file, and accepts the retry', async () => {
      site = await CrashSite.create(await backend.create());
      server = await site.start();
      const before = await signIn(site.url);

      const { ended } = await startPartialUpload(site, before, Math.floor(apk.length / 2));
      await server.kill();
      const outcome = await ended;
      // The client saw the connection drop, not a response.
      expect(outcome).toBeInstanceOf(Error);
      const tempDir = path.join(site.dataDir, 'blobs', 'tmp');
      const objectDir = path.join(site.dataDir, 'blobs', 'objects');
      expect(filesIn(tempDir)).toHaveLength(1);

      server = await site.start();
      const session = await signIn(site.url);
      expect(filesIn(tempDir)).toEqual([]);
      expect(filesIn(objectDir)).toEqual([]);
      const apps = await adminRequest(site.url, session, 'GET', '/apps');
      expect(apps.status).toBe(200);
      expect(apps.body).toEqual([]);

      const retry = await adminRequest(site.url, session, 'POST', '/apps/upload?fileName=crash.apk', apk);
      expect(retry.status).toBe(201);
      expect(retry.body.version.fileSha256).toBe(apkSha256);

      const after = await adminRequest(site.url, session, 'GET', '/apps');
      expect(after.body).toHaveLength(1);
      expect(after.body[0].versions).toHaveLength(1);
      expect(filesIn(objectDir)).toEqual([`${apkSha256}.apk`]);
      const stored = fs.readFileSync(path.join(objectDir, `${apkSha256}.apk`));
      expect(createHash('sha256').update(stored).digest('hex')).toBe(apkSha256);

      // The process had not crashed on its own: its log names no error.
      expect(server.stderr()).not.toMatch(/"level":50/);
    }, 120_000);
  });
}
