// Runs every benchmark at a tiny size, so that CI keeps them working. It
// checks what the benchmarks observed, never how fast anything was.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from 'vitest';

import type { BenchRun } from '../../bench/report.js';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
// Compiling and running the smoke benchmarks takes about a minute on a busy 2-core machine.
const SMOKE_TIMEOUT_MS = 300_000;

let result: BenchRun;

beforeAll(async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-smoke-'));
  const out = path.join(folder, 'smoke.json');
  await run(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'bench/tsconfig.json'], { cwd: REPO_ROOT });
  try {
    await run(process.execPath, ['dist/bench/bench/run-all.js', '--smoke', '--out', out], {
      cwd: REPO_ROOT,
      timeout: SMOKE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } finally {
    if (fs.existsSync(out)) result = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchRun;
    fs.rmSync(folder, { recursive: true, force: true });
  }
}, SMOKE_TIMEOUT_MS + 60_000);

describe('bench smoke run', () => {
  it('reports no failed benchmark', () => {
    expect(result.errors).toEqual({});
  });

  it('sync throughput served real syncs and reports', () => {
    const [size] = result.results.sync ?? [];
    expect(size).toBeDefined();
    const checks = size!.checks;
    expect(checks.sampleConfigApps).toBe(3);
    expect(checks.sampleInfoStatus).toBe('OK');
    expect(checks.devicesSynced).toBeGreaterThan(0);
    expect(checks.devicesSynced).toBeLessThanOrEqual(size!.devices);
    expect(checks.locationsAdded).toBeGreaterThanOrEqual(checks.infoRequests);
    for (const measured of size!.runs) {
      for (const load of Object.values(measured)) {
        expect(load.requests).toBeGreaterThan(0);
        expect(load.errors).toBe(0);
      }
    }
  });

  it('long-poll fan-out woke every poller', () => {
    const push = result.results.push!;
    expect(push.rounds.length).toBeGreaterThan(0);
    for (const round of push.rounds) {
      expect(round.failed).toBe(0);
      expect(round.answered).toBe(push.devices);
      expect(round.configUpdated).toBe(push.devices);
    }
  });

  it('memory figures were taken with every poll held', () => {
    const memory = result.results.push!.memory;
    expect(memory.idle.openLongPolls).toBe(0);
    for (const taken of memory.withPolls) {
      expect(taken.openLongPolls).toBe(result.results.push!.devices);
      expect(taken.rss).toBeGreaterThan(0);
      expect(taken.heapUsed).toBeGreaterThan(0);
    }
  });

  it('mqtt fan-out reached every subscriber', () => {
    const mqtt = result.results.mqtt!;
    expect(mqtt.rounds.length).toBeGreaterThan(0);
    for (const round of mqtt.rounds) {
      expect(round.received).toBe(mqtt.devices);
      expect(round.configUpdated).toBe(mqtt.devices);
    }
  });

  it('wire bytes are positive and their parts add up', () => {
    const wire = result.results.wire!;
    for (const variant of [wire.outpost, wire.reference]) {
      expect(variant.resumed).toBe(true);
      expect(variant.repeatedCallsMatch).toBe(true);
      for (const [event, bytes] of Object.entries(variant.costs)) {
        if (event === 'holdSeconds') continue;
        expect(bytes, event).toMatchObject({ up: expect.any(Number), down: expect.any(Number) });
        expect((bytes as { up: number }).up, `${event} up`).toBeGreaterThan(0);
        expect((bytes as { down: number }).down, `${event} down`).toBeGreaterThan(0);
      }

      const month = variant.month;
      const byCategory = Object.values(month.byCategory).reduce((sum, bytes) => sum + bytes, 0);
      const byLine = month.lines.reduce((sum, line) => sum + line.total.up + line.total.down, 0);
      expect(byCategory).toBe(month.total);
      expect(byLine).toBe(month.total);
      expect(month.up + month.down).toBe(month.total);
    }
  });

  it('device list pages match the search', () => {
    const list = result.results.list!;
    const names = list.shapes.map((shape) => shape.name);
    expect(names).toContain('whole fleet, by last contact (console default)');
    expect(names).toContain('scoped operator');
    expect(new Set(names).size).toBe(names.length);
    for (const shape of list.shapes) {
      expect(shape.items, shape.name).toBeGreaterThan(0);
      expect(shape.allMatch, shape.name).toBe(true);
    }
  });

  it('every download received the whole file', () => {
    const download = result.results.download!;
    const servers = download.nginxVersion ? [download.outpost, download.nginx] : [download.outpost];
    for (const runs of servers) {
      expect(runs.length).toBeGreaterThan(0);
      for (const entry of runs) {
        expect(entry.run.firstError).toBeNull();
        expect(entry.run.complete).toBe(download.concurrentDownloads);
        expect(entry.run.bytes).toBe(download.concurrentDownloads * download.fileBytes);
        expect(entry.peakRssBytes).toBeGreaterThan(0);
        if (entry.wrk) {
          expect(entry.wrk.errors).toBe(0);
          expect(entry.wrk.downloads).toBeGreaterThan(0);
        }
      }
    }
  });
});
