import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEVICE_ID_PREFIX, DEVICE_NUMBER_DIGITS, IMEI_FORMAT, SERIAL_FORMAT } from '../fleet-shape.js';
import { WRK_SCRIPT_DIR } from '../paths.js';
import type { LoadPattern, LoadResult, LoadSettings } from './load-pattern.js';

const MARKER = 'WRK_JSON ';
// wrk's default request timeout; the agent gives up on a call after 10 s too.
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;
// Margin past the load's duration before a silent wrk is killed.
const EXIT_MARGIN_MS = 30_000;

/** Returns whether wrk is installed, and its version line. */
export function wrkVersion(): string | null {
  const result = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (result.error) return null;
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim() ?? 'wrk';
}

interface WrkJson {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { mean: number; p50: number; p95: number; p99: number; max: number };
}

/** Runs one wrk load with a single client thread and returns its counts and latencies. */
export async function runWrk(pattern: LoadPattern, settings: LoadSettings): Promise<LoadResult> {
  const templateFile = writeTemplate(pattern.bodyTemplate);
  const args = [
    '-t1',
    `-c${settings.connections}`,
    `-d${settings.durationSeconds}s`,
    '--timeout',
    `${settings.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS}s`,
    '-s',
    path.join(WRK_SCRIPT_DIR, 'agent-load.lua'),
    settings.baseUrl,
    '--',
    pattern.mode,
    pattern.path ?? '/',
    String(pattern.deviceCount),
    DEVICE_ID_PREFIX,
    String(DEVICE_NUMBER_DIGITS),
    SERIAL_FORMAT.prefix,
    String(SERIAL_FORMAT.digits),
    IMEI_FORMAT.prefix,
    String(IMEI_FORMAT.digits),
    templateFile ?? '',
  ];

  try {
    const output = await runToEnd('wrk', args, settings.durationSeconds * 1000 + EXIT_MARGIN_MS);
    const line = output.split('\n').find((text) => text.startsWith(MARKER));
    if (!line) throw new Error(`wrk printed no ${MARKER.trim()} line:\n${output}`);
    return toResult(JSON.parse(line.slice(MARKER.length)) as WrkJson);
  } finally {
    if (templateFile) fs.rmSync(path.dirname(templateFile), { recursive: true, force: true });
  }
}

function toResult(json: WrkJson): LoadResult {
  const seconds = json.durationUs / 1e6;
  const errors = Object.values(json.errors).reduce((sum, count) => sum + count, 0);
  return {
    generator: 'wrk',
    requests: json.requests,
    seconds,
    requestsPerSecond: json.requests / seconds,
    errors,
    bytesRead: json.bytes,
    latency: {
      count: json.requests,
      meanMs: json.latencyUs.mean / 1000,
      p50Ms: json.latencyUs.p50 / 1000,
      p95Ms: json.latencyUs.p95 / 1000,
      p99Ms: json.latencyUs.p99 / 1000,
      maxMs: json.latencyUs.max / 1000,
    },
  };
}

function writeTemplate(template: string | undefined): string | null {
  if (template === undefined) return null;
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-wrk-'));
  const file = path.join(folder, 'body.json');
  fs.writeFileSync(file, template);
  return file;
}

function runToEnd(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} exited with code ${code}:\n${output}`));
    });
  });
}
