import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { SeededRandom } from '../simulator/random.js';
import { startTestServer, type TestServer } from './support/server.js';
import { seedEnrolment } from './simulator/support/real-enrolment.js';

// `outpost simulate` options for large fleets: --ramp, --max-connections and
// --mqtt-port. The CLI runs from dist, so build before this test.

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/src/cli.js');
const AGENTS = 3;
const SEED = 5;
const RUN_SECONDS = 3;
const LONG_RAMP_SECONDS = 3_600;

let server: TestServer | null = null;
let folder: string;

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-cli-simulate-'));
});

afterEach(async () => {
  await server?.dispose();
  server = null;
  fs.rmSync(folder, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process, whose event loop serves the test server. */
function runCli(args: string[]): Promise<{ status: number | null; output: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, output })));
}

async function writeQrFile(): Promise<string> {
  server = await startTestServer();
  const { qr } = await seedEnrolment(server);
  const file = path.join(folder, 'qr.json');
  fs.writeFileSync(file, JSON.stringify(qr));
  return file;
}

function lastStatusLine(output: string): string {
  const lines = output.split('\n').filter((line) => line.includes('| enrolled '));
  return lines[lines.length - 1] ?? '';
}

describe('outpost simulate options', () => {
  it.each([
    ['--ramp', '-1', 'expected a number of 0 or more'],
    ['--ramp', 'soon', 'expected a number of 0 or more'],
    ['--max-connections', '0', 'expected a whole number of at least 1'],
    ['--max-connections', '2.5', 'expected a whole number of at least 1'],
    ['--mqtt-port', '0', 'expected a TCP port from 1 to 65535'],
    ['--mqtt-port', '65536', 'expected a TCP port from 1 to 65535'],
  ])('rejects %s %s', (option, value, message) => {
    const result = spawnSync(process.execPath, [CLI, 'simulate', '--qr', 'unused.json', option, value], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(option);
    expect(result.stderr).toContain(message);
  });

  it('starts every agent at once with --ramp 0', async () => {
    const qrFile = await writeQrFile();
    const args = ['simulate', '--qr', qrFile, '--count', String(AGENTS), '--seed', String(SEED), '--speed', '60'];
    const result = await runCli([...args, '--ramp', '0', '--max-connections', '1', '--mqtt-port', '1883', '--duration', String(RUN_SECONDS)]);

    expect(result.status, result.output).toBe(0);
    expect(lastStatusLine(result.output)).toContain(`enrolled ${AGENTS}/${AGENTS}`);
  });

  it('spreads agent starts over --ramp seconds', async () => {
    // The fleet draws each agent's start from this seeded sequence, so with
    // this seed no agent is due within the run.
    const order = new SeededRandom(SEED);
    const startsMs = Array.from({ length: AGENTS }, () => order.between(0, LONG_RAMP_SECONDS * 1000));
    expect(Math.min(...startsMs)).toBeGreaterThan(RUN_SECONDS * 1000 * 10);

    const qrFile = await writeQrFile();
    const args = ['simulate', '--qr', qrFile, '--count', String(AGENTS), '--seed', String(SEED), '--speed', '60'];
    const result = await runCli([...args, '--ramp', String(LONG_RAMP_SECONDS), '--duration', String(RUN_SECONDS)]);

    expect(result.status, result.output).toBe(0);
    expect(lastStatusLine(result.output)).toContain(`enrolled 0/${AGENTS}`);
  });
});
