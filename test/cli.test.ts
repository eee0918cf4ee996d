import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

// The test command builds first, so the CLI runs as users run it.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/src/cli.js');
const STARTUP_TIMEOUT_MS = 20_000;

const children: ChildProcessWithoutNullStreams[] = [];
const dataDirs: string[] = [];

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-cli-'));
  dataDirs.push(dir);
  return dir;
}

function runCli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn', ...env } });
}

/** Starts `outpost serve` and resolves with its stdout once it prints its listen address. */
function startServe(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn', ...env } });
  children.push(child);
  let output = '';

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), STARTUP_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+?);/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('outpost CLI', () => {
  it('serve answers healthz and prints the first admin password once', async () => {
    const dataDir = tempDataDir();
    const env = { OUTPOST_ADMIN_PASSWORD: '' };
    const first = await startServe(['--port', '0', '--data-dir', dataDir], env);

    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    expect(first.output()).toMatch(/Created the console user "admin" with password: \S{20}/);

    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(first.child.exitCode).toBe(0);

    const second = await startServe(['--port', '0', '--data-dir', dataDir], env);
    expect(second.output()).not.toMatch(/with password/);
  });

  it('serve answers under the project path of the public URL', async () => {
    const server = await startServe(['--port', '0', '--data-dir', tempDataDir(), '--public-url', 'https://mdm.example.org/outpost']);
    expect((await fetch(`${server.url}/outpost/healthz`)).status).toBe(200);
  });

  it('serve rejects an invalid public URL with a message', () => {
    const result = runCli(['serve', '--data-dir', tempDataDir(), '--public-url', 'https://example.org/a/b']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/one at most/);
  });

  it('migrate applies the schema once', () => {
    const dataDir = tempDataDir();
    const first = runCli(['migrate', '--data-dir', dataDir]);
    expect(first.stdout).toMatch(/Applied: 0001-initial/);
    const second = runCli(['migrate', '--data-dir', dataDir]);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('admin create and reset-password manage users', () => {
    const dataDir = tempDataDir();
    const created = runCli(['admin', 'create', 'district-lead', '--role', 'operator', '--data-dir', dataDir]);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/Created operator "district-lead" with password: \S+/);

    const duplicate = runCli(['admin', 'create', 'district-lead', '--data-dir', dataDir]);
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);

    const reset = runCli(['admin', 'reset-password', 'district-lead', '--data-dir', dataDir], { OUTPOST_NEW_PASSWORD: 'a-long-new-password' });
    expect(reset.status).toBe(0);
    expect(reset.stdout).toMatch(/reset\./);

    const unknown = runCli(['admin', 'reset-password', 'nobody', '--data-dir', dataDir]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/not found/);

    const weak = runCli(['admin', 'create', 'x', '--password', 'short', '--data-dir', dataDir]);
    expect(weak.stderr).toMatch(/at least 10 characters/);
  });
});
