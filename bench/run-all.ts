// Entry point of the benchmarks: `npm run bench -- [options]`. It runs the
// selected benchmarks one after another, prints a Markdown report on stdout
// and writes every measurement as JSON.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { runApkDownload } from './apk-download.js';
import { runDeviceList } from './device-list.js';
import { describeMachine } from './lib/machine.js';
import { REPO_ROOT } from './lib/paths.js';
import { RunContext } from './lib/run-context.js';
import { runPushFanout } from './push-fanout.js';
import { runSimulatorMemory } from './simulator-memory.js';
import { runMqttFanout } from './push-fanout-mqtt.js';
import { renderReport, type BenchResults, type BenchRun } from './report.js';
import { runSyncThroughput } from './sync-throughput.js';
import { runWireBytes } from './wire-bytes.js';

const BENCHMARKS = ['sync', 'list', 'push', 'mqtt', 'download', 'wire', 'sim'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

const USAGE = `Usage: npm run bench -- [--smoke] [--only NAMES] [--repeats N] [--out FILE]

  --smoke       run every benchmark at a tiny size (100 devices, 1 s loads, 1 s poll hold)
  --only NAMES  comma-separated subset of: ${BENCHMARKS.join(', ')}
  --repeats N   measured repeats of each load (default 3; 1 with --smoke)
  --out FILE    JSON results file (default dist/bench-results/bench-<time>.json)`;

/** Sizes and durations of a full run and of the smoke run CI uses. */
function plan(smoke: boolean, repeats: number) {
  // Every device of the seeded fleets, for the fleet-size benchmarks.
  const largeFleet = { devices: smoke ? 200 : 100_000, policies: 10, locationsPerDevice: 12 };
  return {
    sync: {
      deviceCounts: smoke ? [100] : [10_000, 100_000],
      repeats,
      // 32 open connections, as the simulator's fleet client keeps: enough to
      // saturate one Node process, few enough that queueing stays visible in p99.
      connections: smoke ? 8 : 32,
      // Four connections keep Outpost below saturation, so p99 shows service time, not queueing.
      fewConnections: 4,
      durationSeconds: smoke ? 1 : 10,
      warmupSeconds: smoke ? 1 : 3,
      policies: largeFleet.policies,
      locationsPerDevice: largeFleet.locationsPerDevice,
    },
    list: { fleet: largeFleet, requests: smoke ? 3 : 40, warmupRequests: smoke ? 1 : 3, pageSize: smoke ? 10 : 50 },
    push: { devices: smoke ? 100 : 10_000, repeats, deliveryTimeoutMs: smoke ? 10_000 : 30_000 },
    mqtt: { devices: smoke ? 100 : 10_000, repeats, deliveryTimeoutMs: smoke ? 10_000 : 30_000 },
    download: { fileBytes: smoke ? 1_000_000 : 50_000_000, concurrentDownloads: smoke ? 4 : 100, repeats, wrkSeconds: smoke ? 1 : 10 },
    // The reference server holds polls 60 s; Outpost keeps its own default.
    wire: { outpostHoldSeconds: smoke ? 1 : null, referenceHoldSeconds: smoke ? 1 : 60 },
    // Speed 60 runs an agent hour in a real minute, so device info goes out every 15 s while the fleet comes up.
    sim: { agentCounts: smoke ? [50] : [2_000, 5_000], speed: 60, readyTimeoutMs: smoke ? 60_000 : 180_000 },
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      repeats: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const selected = selectBenchmarks(values.only);
  const smoke = values.smoke === true;
  const defaultRepeats = smoke ? 1 : 3;
  const repeats = values.repeats === undefined ? defaultRepeats : Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`Invalid --repeats "${values.repeats}": expected a whole number of at least 1.`);

  const settings = plan(smoke, repeats);
  const run = new RunContext(smoke);
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const results: BenchResults = {};
  const errors: Record<string, string> = {};

  const steps: Record<BenchmarkName, () => Promise<void>> = {
    sync: async () => void (results.sync = await runSyncThroughput(run, settings.sync)),
    list: async () => void (results.list = await runDeviceList(run, settings.list)),
    push: async () => void (results.push = await runPushFanout(run, settings.push)),
    mqtt: async () => void (results.mqtt = await runMqttFanout(run, settings.mqtt)),
    download: async () => void (results.download = await runApkDownload(run, settings.download)),
    wire: async () => void (results.wire = await runWireBytes(run, settings.wire)),
    sim: async () => void (results.sim = await runSimulatorMemory(run, settings.sim)),
  };

  try {
    for (const name of selected) {
      run.log(`${name}: start`);
      try {
        await steps[name]();
      } catch (error) {
        errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
        run.log(`${name}: failed: ${errors[name]}`);
      }
    }
  } finally {
    run.dispose();
  }

  const benchRun: BenchRun = {
    command: `npm run bench --${process.argv.slice(2).map((arg) => ` ${arg}`).join('')}`,
    mode: smoke ? 'smoke' : 'full',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    loadAverageAtEnd: os.loadavg()[0] ?? 0,
    results,
    errors,
  };
  const out = values.out ?? path.join(REPO_ROOT, 'dist', 'bench-results', `bench-${startedAt.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(benchRun, null, 2)}\n`);

  process.stdout.write(`${renderReport(benchRun)}\nResults: ${out}\n`);
  return Object.keys(errors).length === 0 ? 0 : 1;
}

function selectBenchmarks(only: string | undefined): BenchmarkName[] {
  if (only === undefined) return [...BENCHMARKS];
  const names = only.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(BENCHMARKS as readonly string[]).includes(name)) {
      throw new Error(`Unknown benchmark "${name}" in --only: choose from ${BENCHMARKS.join(', ')}.`);
    }
  }
  return names as BenchmarkName[];
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    process.exit(2);
  },
);
