// `outpost serve` in a child process with its JSON log kept for assertions,
// for tests that cut its database or broker and check what it logs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { TEST_ADMIN_PASSWORD } from './server.js';

// The test command builds first, so dist contains the current CLI.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/cli.js');
const START_TIMEOUT_MS = 30_000;

export interface OutpostProcess {
  url: string;
  process: ChildProcess;
  /** Log lines written so far, parsed; lines that are not JSON are kept as { text }. */
  logLines(): Array<Record<string, unknown>>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Whether the process is still running. */
  running(): boolean;
  /** Ends the process with SIGTERM and removes its data directory. */
  stop(): Promise<void>;
}

/** Returns a loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `outpost serve` on a free port and resolves once /readyz returns 200. */
export async function startOutpost(env: Record<string, string>): Promise<OutpostProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-outage-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, output } = runOutpost(['serve'], {
    OUTPOST_HOST: '127.0.0.1',
    OUTPOST_PORT: String(port),
    OUTPOST_DATA_DIR: dataDir,
    OUTPOST_PUBLIC_URL: url,
    OUTPOST_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    OUTPOST_LOG_LEVEL: 'info',
    OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
    ...env,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const server: OutpostProcess = {
    url,
    process: child,
    output,
    logLines: () => parseLogLines(output()),
    running,
    async stop() {
      if (running()) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };

  try {
    await waitUntilReady(url, child);
  } catch (error) {
    await server.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}; output: ${output()}`);
  }
  return server;
}

/** Runs the CLI with `args` and the environment of this process plus `env`, keeping its output. */
export function runOutpost(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...(process.env as Record<string, string>), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

export function parseLogLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { text: line };
      }
    });
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`outpost serve exited with status ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`outpost serve was not ready within ${START_TIMEOUT_MS} ms`);
}
