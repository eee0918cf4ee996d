// Backup while phones report, restore into a new directory, and check that
// a server on the restored data has what the source had at backup time.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pino from 'pino';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/store/database.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { signInAsAdmin, type ApiClient } from '../admin-api/support/client.js';
import { FIXTURE_APK, seedAppVersion } from '../agent-api/helpers.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startAgentLoad } from './agent-load.js';
import { runCli } from './cli-runner.js';

interface Counts {
  devices: number;
  commands: number;
}

async function countRows(db: Db): Promise<Counts> {
  const devices = await db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const commands = await db.selectFrom('commands').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { devices: Number(devices.n), commands: Number(commands.n) };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const tempDirs: string[] = [];
function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `outpost-${label}-`));
  tempDirs.push(dir);
  return dir;
}

describe('backup and restore', () => {
  let source: TestServer;
  let admin: ApiClient;
  let tokenId: string;
  let archive: string;
  let before: Counts;
  let after: Counts;
  let restored: RunningServer | undefined;
  const apkHashes = new Map<string, string>();

  beforeAll(async () => {
    source = await startTestServer({ env: { OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '1000' } });
    admin = await signInAsAdmin(source);

    const upload = await admin.request('POST', '/v1/apps/upload?fileName=agent.apk', {
      raw: fs.readFileSync(FIXTURE_APK),
      contentType: 'application/vnd.android.package-archive',
    });
    expect(upload.status).toBe(201);
    apkHashes.set(upload.body.version.id, upload.body.version.fileSha256);
    const seeded = await seedAppVersion(source.ctx, { packageName: 'org.dhis2.mobile', versionCode: 2400, versionName: '2.4' });
    apkHashes.set(seeded.id, seeded.sha256);

    const policy = await admin.post('/v1/policies', { name: 'Backup policy' });
    const token = await admin.post('/v1/enrolment/tokens', { policyId: policy.body.id });
    tokenId = token.body.id;
    archive = path.join(tempDir('archive'), 'outpost-backup.tar.gz');
  });

  afterAll(async () => {
    await restored?.close();
    await source?.dispose();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('backs up while phones report', async () => {
    const load = startAgentLoad(source, admin, tokenId);
    try {
      await load.reached(20);
      before = await countRows(source.ctx.store.db);
      const result = await runCli(['backup', '--data-dir', source.dataDir, '--out', archive]);
      after = await countRows(source.ctx.store.db);

      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Wrote .* devices, .* commands, 2 APK files\.\n$/);
      // The load kept writing during the backup, so the counts moved.
      expect(after.devices).toBeGreaterThan(before.devices);
    } finally {
      await load.stop();
    }
    expect(fs.existsSync(`${archive}.partial`)).toBe(false);
  });

  it('restores into a new directory', async () => {
    const dataDir = path.join(tempDir('restore'), 'data');
    const result = await runCli(['restore', '--data-dir', dataDir, '--from', archive]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const config = loadConfig({ host: '127.0.0.1', port: 0, dataDir }, { OUTPOST_LOG_LEVEL: 'warn' });
    restored = await startServer(config, pino({ level: 'warn' }));
    const counts = await countRows(restored.ctx.store.db);

    expect(counts.devices).toBeGreaterThanOrEqual(before.devices);
    expect(counts.devices).toBeLessThanOrEqual(after.devices);
    expect(counts.commands).toBeGreaterThanOrEqual(before.commands);
    expect(counts.commands).toBeLessThanOrEqual(after.commands);
  });

  it('restored APKs keep their SHA-256', async () => {
    expect(restored).toBeDefined();
    const server = restored as RunningServer;

    for (const [versionId, expected] of apkHashes) {
      const version = await server.ctx.store.db.selectFrom('app_versions').selectAll().where('id', '=', versionId).executeTakeFirstOrThrow();
      expect(sha256(fs.readFileSync(server.ctx.blobs.pathOf(version.blob_key)))).toBe(expected);

      // The agent's download route serves the same bytes from the restored server.
      const url = `${server.listenUrl}/files/apps/${versionId}/${encodeURIComponent(version.file_name)}`;
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(expected);
    }
  });

  it('restore rejects a non-empty directory', async () => {
    const dataDir = tempDir('occupied');
    fs.writeFileSync(path.join(dataDir, 'outpost.sqlite'), 'existing database');

    const refused = await runCli(['restore', '--data-dir', dataDir, '--from', archive]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    expect(refused.stderr).toContain('--force');
    expect(fs.readFileSync(path.join(dataDir, 'outpost.sqlite'), 'utf8')).toBe('existing database');

    const forced = await runCli(['restore', '--data-dir', dataDir, '--from', archive, '--force']);
    expect(forced.status).toBe(0);
    expect(fs.readFileSync(path.join(dataDir, 'outpost.sqlite')).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('restore rejects a damaged archive', async () => {
    const damaged = path.join(tempDir('damaged'), 'damaged.tar.gz');
    const bytes = fs.readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    const dataDir = path.join(tempDir('target'), 'data');

    const result = await runCli(['restore', '--data-dir', dataDir, '--from', damaged]);

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/not a readable Outpost backup|is damaged|integrity_check/);
    expect(fs.existsSync(path.join(dataDir, 'outpost.sqlite'))).toBe(false);
  });

  it('backup rejects PostgreSQL URLs', async () => {
    const result = await runCli(['backup', '--data-dir', tempDir('pg'), '--database-url', 'postgres://127.0.0.1/outpost', '--out', '/dev/null']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('pg_dump');
  });

  it('restore rejects a symlink entry', async () => {
    // An archive that links a blob to a file outside the data directory.
    const crafted = tempDir('crafted');
    fs.mkdirSync(path.join(crafted, 'blobs', 'objects'), { recursive: true });
    fs.writeFileSync(path.join(crafted, 'outpost-backup.json'), '{}');
    fs.symlinkSync('/etc/passwd', path.join(crafted, 'blobs', 'objects', 'evil.apk'));
    const craftedArchive = path.join(tempDir('crafted-archive'), 'crafted.tar.gz');
    await createTar({ gzip: true, file: craftedArchive, cwd: crafted }, ['outpost-backup.json', 'blobs']);
    const dataDir = path.join(tempDir('target'), 'data');

    const result = await runCli(['restore', '--data-dir', dataDir, '--from', craftedArchive]);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unexpected entries, such as blobs/objects/evil.apk');
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
