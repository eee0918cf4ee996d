// Benchmark a: configuration sync and device-info ingest throughput and
// latency with a seeded fleet, beside a bare Fastify JSON route (the
// ceiling) measured in the same run with the same client.

import { openDatabase } from '../src/store/database.js';
import { deviceInfoTemplate, fillDeviceInfo } from './lib/agent-requests.js';
import { BenchChild } from './lib/child-process.js';
import { deviceIdOf } from './lib/fleet-shape.js';
import { runLoad, type LoadPattern, type LoadResult } from './lib/load/index.js';
import { startOutpost, type OutpostChild } from './lib/outpost-child.js';
import type { RunContext } from './lib/run-context.js';
import { DATABASE_FILE_NAME } from './lib/seed.js';
import { spreadOf, type Spread } from './lib/stats.js';
import { CEILING_PATHS, type ServerReady } from './servers/server-info.js';

export interface SyncThroughputOptions {
  deviceCounts: number[];
  repeats: number;
  /** Open connections of the closed-loop client. */
  connections: number;
  /** Connections of a second, lighter config and ingest load, for latency below saturation. */
  fewConnections: number;
  durationSeconds: number;
  warmupSeconds: number;
  policies: number;
  locationsPerDevice: number;
}

/** The loads measured in each repeat; configFew and infoFew use fewConnections. */
export type TargetName = 'ceilingGet' | 'ceilingPost' | 'config' | 'info' | 'configFew' | 'infoFew';
export const TARGETS: readonly TargetName[] = ['ceilingGet', 'ceilingPost', 'config', 'info', 'configFew', 'infoFew'];

export interface SyncThroughputResult {
  devices: number;
  connections: number;
  fewConnections: number;
  runs: Array<Record<TargetName, LoadResult>>;
  requestsPerSecond: Record<TargetName, Spread>;
  p99Ms: Record<TargetName, Spread>;
  /** Outpost's throughput over the bare GET route, per repeat. */
  ratioToCeiling: { config: Spread; info: Spread };
  /** Ingest throughput over the bare POST route that parses the same body. */
  infoRatioToPostCeiling: Spread;
  checks: SyncChecks;
}

/** Facts read back from the database after the loads. */
export interface SyncChecks {
  /** Apps listed by a sample configuration response, which was an OK envelope. */
  sampleConfigApps: number;
  sampleInfoStatus: string;
  /** Devices whose last_config_at moved during the config loads. */
  devicesSynced: number;
  configRequests: number;
  /** Location rows added, one per stored report. */
  locationsAdded: number;
  infoRequests: number;
}

/** Runs benchmark a for every fleet size. */
export async function runSyncThroughput(run: RunContext, options: SyncThroughputOptions): Promise<SyncThroughputResult[]> {
  const results: SyncThroughputResult[] = [];
  for (const devices of options.deviceCounts) {
    results.push(await measureSize(run, devices, options));
  }
  return results;
}

async function measureSize(run: RunContext, devices: number, options: SyncThroughputOptions): Promise<SyncThroughputResult> {
  const fleet = await run.fleet({ devices, policies: options.policies, locationsPerDevice: options.locationsPerDevice });
  const template = deviceInfoTemplate();
  const patterns: Record<TargetName, LoadPattern> = {
    ceilingGet: { mode: 'get', path: CEILING_PATHS.get, deviceCount: devices },
    ceilingPost: { mode: 'post', path: CEILING_PATHS.post, deviceCount: devices, bodyTemplate: template },
    config: { mode: 'config', deviceCount: devices },
    info: { mode: 'info', deviceCount: devices, bodyTemplate: template },
    configFew: { mode: 'config', deviceCount: devices },
    infoFew: { mode: 'info', deviceCount: devices, bodyTemplate: template },
  };
  const connectionsOf = (target: TargetName) => (target.endsWith('Few') ? options.fewConnections : options.connections);

  let outpost: OutpostChild | null = null;
  let ceiling: BenchChild<ServerReady> | null = null;
  try {
    outpost = await startOutpost(`outpost (${devices} devices)`, fleet.dataDir);
    ceiling = await BenchChild.start<ServerReady>('bare fastify', 'servers/bare-fastify.js');
    const urls: Record<TargetName, string> = {
      ceilingGet: ceiling.ready.url,
      ceilingPost: ceiling.ready.url,
      config: outpost.ready.url,
      info: outpost.ready.url,
      configFew: outpost.ready.url,
      infoFew: outpost.ready.url,
    };
    const sample = await sampleAnswers(outpost.ready.url, template);

    run.log(`sync throughput, ${devices} devices: warm-up`);
    for (const target of TARGETS) {
      await runLoad(patterns[target], { baseUrl: urls[target], connections: connectionsOf(target), durationSeconds: options.warmupSeconds });
    }
    const before = await readCounts(fleet.dataDir);

    const loadStarted = Date.now();
    const runs: Array<Record<TargetName, LoadResult>> = [];
    for (let repeat = 1; repeat <= options.repeats; repeat += 1) {
      const measured = {} as Record<TargetName, LoadResult>;
      for (const target of TARGETS) {
        measured[target] = await runLoad(patterns[target], {
          baseUrl: urls[target],
          connections: connectionsOf(target),
          durationSeconds: options.durationSeconds,
        });
      }
      runs.push(measured);
      run.log(
        `sync throughput, ${devices} devices, repeat ${repeat}: ` +
          TARGETS.map((target) => `${target} ${measured[target].requestsPerSecond.toFixed(0)}/s`).join(', '),
      );
    }

    await outpost.stop();
    outpost = null;
    const after = await readCounts(fleet.dataDir, loadStarted);
    const checks: SyncChecks = {
      sampleConfigApps: sample.configApps,
      sampleInfoStatus: sample.infoStatus,
      devicesSynced: after.devicesSyncedSince,
      configRequests: runs.reduce((sum, measured) => sum + measured.config.requests + measured.configFew.requests, 0),
      locationsAdded: after.locations - before.locations,
      infoRequests: runs.reduce((sum, measured) => sum + measured.info.requests + measured.infoFew.requests, 0),
    };
    return { ...summarise(devices, runs, checks), connections: options.connections, fewConnections: options.fewConnections };
  } finally {
    await outpost?.stop();
    await ceiling?.stop();
    fleet.remove();
  }
}

function summarise(
  devices: number,
  runs: Array<Record<TargetName, LoadResult>>,
  checks: SyncChecks,
): Omit<SyncThroughputResult, 'connections' | 'fewConnections'> {
  const over = (pick: (measured: Record<TargetName, LoadResult>) => number) => spreadOf(runs.map(pick));
  const perTarget = (pick: (result: LoadResult) => number) =>
    Object.fromEntries(TARGETS.map((target) => [target, over((measured) => pick(measured[target]))])) as Record<TargetName, Spread>;

  return {
    devices,
    runs,
    requestsPerSecond: perTarget((result) => result.requestsPerSecond),
    p99Ms: perTarget((result) => result.latency.p99Ms),
    ratioToCeiling: {
      config: over((measured) => measured.config.requestsPerSecond / measured.ceilingGet.requestsPerSecond),
      info: over((measured) => measured.info.requestsPerSecond / measured.ceilingGet.requestsPerSecond),
    },
    infoRatioToPostCeiling: over((measured) => measured.info.requestsPerSecond / measured.ceilingPost.requestsPerSecond),
    checks,
  };
}

/** Sends one config request and one report, and returns the app count and report status of the responses. */
async function sampleAnswers(baseUrl: string, template: string): Promise<{ configApps: number; infoStatus: string }> {
  const config = await fetch(`${baseUrl}/rest/public/sync/configuration/${deviceIdOf(1)}`);
  const configBody = (await config.json()) as { status?: string; data?: { applications?: unknown[] } };
  if (configBody.status !== 'OK') throw new Error(`Config sync of ${deviceIdOf(1)} returned ${JSON.stringify(configBody)}.`);

  const info = await fetch(`${baseUrl}/rest/public/sync/info`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=UTF-8' },
    body: fillDeviceInfo(template, deviceIdOf(2), 2, Date.now()),
  });
  const infoBody = (await info.json()) as { status?: string };
  return { configApps: configBody.data?.applications?.length ?? 0, infoStatus: String(infoBody.status) };
}

async function readCounts(dataDir: string, syncedSince = Number.MAX_SAFE_INTEGER) {
  const db = openDatabase(`${dataDir}/${DATABASE_FILE_NAME}`);
  try {
    const locations = await db.selectFrom('locations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const synced = await db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('last_config_at', '>=', syncedSince)
      .executeTakeFirstOrThrow();
    return { locations: Number(locations.n), devicesSyncedSince: Number(synced.n) };
  } finally {
    await db.destroy();
  }
}
