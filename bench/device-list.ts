// Benchmark d: latency of one device-list page of the admin API, filtered
// and sorted, over a large seeded fleet, as the console requests it.

import { AdminSession } from './lib/admin-session.js';
import { modelOf } from './lib/fleet-shape.js';
import { startOutpost, type OutpostChild } from './lib/outpost-child.js';
import type { RunContext } from './lib/run-context.js';
import type { SeedOptions } from './lib/seed.js';
import { summariseLatencies, type LatencySummary } from './lib/stats.js';

export interface DeviceListOptions {
  fleet: SeedOptions;
  /** Requests per query shape, sent one after another as one console user does. */
  requests: number;
  warmupRequests: number;
  pageSize: number;
}

export interface ListShapeResult {
  name: string;
  query: string;
  latency: LatencySummary;
  /** Items on the first page, and whether every item matched the search. */
  items: number;
  allMatch: boolean;
}

export interface DeviceListResult {
  devices: number;
  shapes: ListShapeResult[];
}

interface Page {
  items: Array<{ model: string | null }>;
  nextCursor: string | null;
}

/** Runs benchmark d. */
export async function runDeviceList(run: RunContext, options: DeviceListOptions): Promise<DeviceListResult> {
  const fleet = await run.fleet(options.fleet);
  // One model of six: a district manager looking for one phone model.
  const search = modelOf(1).model;
  const base = `search=${encodeURIComponent(search)}&limit=${options.pageSize}`;

  let outpost: OutpostChild | null = null;
  try {
    outpost = await startOutpost(`outpost (${options.fleet.devices} devices, list)`, fleet.dataDir);
    const session = await AdminSession.signIn(outpost.ready.url);

    const firstPage = await readPage(session, `/devices?${base}&sort=lastContact&order=desc`);
    if (!firstPage.nextCursor && options.fleet.devices > options.pageSize * 6) {
      throw new Error('The first page of a large fleet has no next cursor.');
    }
    const shapes: Array<{ name: string; query: string }> = [
      // Orders by a changing column take a snapshot of the whole filtered order on the first page.
      { name: 'first page, by last contact', query: `/devices?${base}&sort=lastContact&order=desc` },
      { name: 'first page, by device id', query: `/devices?${base}&sort=deviceId&order=asc` },
    ];
    if (firstPage.nextCursor) {
      shapes.push({ name: 'next page, by last contact', query: `/devices?cursor=${encodeURIComponent(firstPage.nextCursor)}&limit=${options.pageSize}` });
    }

    const results: ListShapeResult[] = [];
    for (const shape of shapes) {
      results.push(await measureShape(session, shape, search, options));
      run.log(`device list, ${shape.name}: p95 ${results.at(-1)?.latency.p95Ms.toFixed(1)} ms`);
    }
    return { devices: options.fleet.devices, shapes: results };
  } finally {
    await outpost?.stop();
    fleet.remove();
  }
}

async function measureShape(
  session: AdminSession,
  shape: { name: string; query: string },
  search: string,
  options: DeviceListOptions,
): Promise<ListShapeResult> {
  for (let index = 0; index < options.warmupRequests; index += 1) await readPage(session, shape.query);

  const latencies: number[] = [];
  let page: Page | null = null;
  for (let index = 0; index < options.requests; index += 1) {
    const started = performance.now();
    page = await readPage(session, shape.query);
    latencies.push(performance.now() - started);
  }
  const items = page?.items ?? [];
  return {
    name: shape.name,
    query: shape.query,
    latency: summariseLatencies(latencies),
    items: items.length,
    allMatch: items.every((item) => item.model === search),
  };
}

async function readPage(session: AdminSession, query: string): Promise<Page> {
  const response = await session.get(query);
  if (response.status !== 200) throw new Error(`GET ${query} returned HTTP ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Page;
}
