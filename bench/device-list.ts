// Benchmark d: latency of one device-list page of the admin API, filtered
// and sorted, over a large seeded fleet, as the console requests it.

import { DEVICE_ID_PREFIX, deviceIdOf, imeiOf, modelOf, serialOf } from './lib/fleet-shape.js';
import { BENCH_ADMIN_PASSWORD, startOutpost, type OutpostChild } from './lib/outpost-child.js';
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
  /** Items on the last measured page, and whether every item matched the shape's filter. */
  items: number;
  allMatch: boolean;
}

export interface DeviceListResult {
  devices: number;
  shapes: ListShapeResult[];
}

interface Item {
  id: string;
  deviceId: string;
  serial: string | null;
  imei: string | null;
  model: string | null;
  orgUnitId: string | null;
  status: string;
}

interface Page {
  items: Item[];
  nextCursor: string | null;
}

interface Shape {
  name: string;
  query: string;
  /** The reader of the shape: the admin, or the scoped operator. */
  session: ApiSession;
  matches(item: Item): boolean;
}

// The operator of the scoped-user shape; the password only has to pass Outpost's length rule.
const OPERATOR = { username: 'bench-operator', password: 'bench-operator-password-1' };

/** Runs benchmark d. */
export async function runDeviceList(run: RunContext, options: DeviceListOptions): Promise<DeviceListResult> {
  const fleet = await run.fleet(options.fleet);

  let outpost: OutpostChild | null = null;
  try {
    outpost = await startOutpost(`outpost (${options.fleet.devices} devices, list)`, fleet.dataDir);
    const admin = await ApiSession.signIn(outpost.ready.url, { username: 'admin', password: BENCH_ADMIN_PASSWORD });
    const district = await firstDistrict(admin);
    const operator = await createScopedOperator(outpost.ready.url, admin, district);

    const shapes = await listShapes(admin, operator, district, options);
    const results: ListShapeResult[] = [];
    for (const shape of shapes) {
      results.push(await measureShape(shape, options));
      run.log(`device list, ${shape.name}: p95 ${results.at(-1)?.latency.p95Ms.toFixed(1)} ms`);
    }
    return { devices: options.fleet.devices, shapes: results };
  } finally {
    await outpost?.stop();
    fleet.remove();
  }
}

/** Returns the measured queries: the console's default list, each filter, each sort, and two next pages. */
async function listShapes(admin: ApiSession, operator: ApiSession, district: string, options: DeviceListOptions): Promise<Shape[]> {
  const limit = `limit=${options.pageSize}`;
  // One model of six: a district manager looking for one phone model.
  const model = modelOf(1).model;
  // A device-id prefix that 100 devices share (bench-000100 to bench-000199 in a fleet of 100,000).
  const idPrefix = deviceIdOf(Math.min(123, options.fleet.devices)).slice(0, -2);
  // An IMEI without its last digit, as a manager reading it off a box might type: 10 devices.
  const imeiPrefix = imeiOf(Math.min(54321, options.fleet.devices)).slice(0, -1);
  const serial = serialOf(Math.min(77777, options.fleet.devices));
  // The number word of a device id without its last two digits, as "0001" of bench-000123: 100 devices.
  const idWord = idPrefix.slice(DEVICE_ID_PREFIX.length);
  const byContact = 'sort=lastContact&order=desc';
  const inDistrict = (item: Item) => item.orgUnitId === district;
  const any = () => true;
  const shape = (name: string, parameters: string, matches: (item: Item) => boolean, session = admin): Shape => ({
    name,
    query: `/devices?${parameters}&${limit}`,
    session,
    matches,
  });

  const shapes: Shape[] = [
    shape('whole fleet, by last contact (console default)', byContact, any),
    shape('whole fleet, by battery', 'sort=battery&order=desc', any),
    shape('whole fleet, by model', 'sort=model&order=asc', any),
    shape('whole fleet, by enrolment', 'sort=enrolledAt&order=desc', any),
    shape('first page, by last contact', `search=${encodeURIComponent(model)}&${byContact}`, (item) => item.model === model),
    shape('first page, by device id', `search=${encodeURIComponent(model)}&sort=deviceId&order=asc`, (item) => item.model === model),
    shape('device id prefix', `search=${idPrefix}&${byContact}`, (item) => item.deviceId.startsWith(idPrefix)),
    shape('word inside device id', `search=${idWord}&${byContact}`, (item) => item.deviceId.slice(DEVICE_ID_PREFIX.length).startsWith(idWord)),
    // "0" starts the number word of every device id below 1,000,000, so the whole fleet matches.
    shape('word inside every device id', `search=0&${byContact}`, any),
    shape('IMEI prefix', `search=${imeiPrefix}&${byContact}`, (item) => item.imei?.startsWith(imeiPrefix) === true),
    shape('whole serial', `search=${serial}&${byContact}`, (item) => item.serial === serial),
    shape('contact state online', `contactState=online&${byContact}`, (item) => item.status === 'online'),
    shape('contact state offline', `contactState=offline&${byContact}`, (item) => item.status === 'offline'),
    shape('org-unit subtree', `orgUnitId=${district}&${byContact}`, inDistrict),
    shape('org-unit subtree, by device id', `orgUnitId=${district}&sort=deviceId`, inDistrict),
    shape('scoped operator', byContact, inDistrict, operator),
  ];

  // Next pages of the default list and of the model search.
  for (const [name, index] of [['next page, by last contact', 4], ['whole fleet, next page', 0]] as const) {
    const first = shapes[index];
    if (!first) continue;
    const page = await readPage(first.session, first.query);
    if (page.nextCursor === null) {
      if (options.fleet.devices > options.pageSize * 6) throw new Error(`The first page of "${first.name}" has no next cursor.`);
      continue;
    }
    shapes.push({ ...first, name, query: `/devices?cursor=${encodeURIComponent(page.nextCursor)}&${limit}` });
  }
  return shapes;
}

async function firstDistrict(admin: ApiSession): Promise<string> {
  const response = await admin.get('/org-units');
  if (response.status !== 200) throw new Error(`GET /org-units returned HTTP ${response.status}.`);
  const units = response.body as Array<{ id: string; parentId: string | null; name: string }>;
  const district = units.find((unit) => unit.parentId !== null);
  if (!district) throw new Error('The seeded fleet has no district org unit.');
  return district.id;
}

/** Creates an operator scoped to one district, as a district manager's account is, and signs in as it. */
async function createScopedOperator(baseUrl: string, admin: ApiSession, district: string): Promise<ApiSession> {
  const created = await admin.post('/users', { ...OPERATOR, role: 'operator', orgUnitIds: [district] });
  if (created.status !== 201) throw new Error(`Creating the bench operator returned HTTP ${created.status}: ${JSON.stringify(created.body)}`);
  return ApiSession.signIn(baseUrl, OPERATOR);
}

/** A signed-in console session of any user: its cookie and CSRF token. */
class ApiSession {
  private constructor(
    private readonly apiBase: string,
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  static async signIn(baseUrl: string, credentials: { username: string; password: string }): Promise<ApiSession> {
    const apiBase = `${baseUrl}/api/v1`;
    const response = await fetch(`${apiBase}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (response.status !== 200) throw new Error(`Sign-in of ${credentials.username} failed with HTTP ${response.status}: ${await response.text()}`);

    const body = (await response.json()) as { csrfToken: string };
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return new ApiSession(apiBase, cookie, body.csrfToken);
  }

  async get(path: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.apiBase}${path}`, { headers: { cookie: this.cookie } });
    return { status: response.status, body: await response.json() };
  }

  async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.apiBase}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie, 'x-csrf-token': this.csrfToken },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
}

async function measureShape(shape: Shape, options: DeviceListOptions): Promise<ListShapeResult> {
  for (let index = 0; index < options.warmupRequests; index += 1) await readPage(shape.session, shape.query);

  const latencies: number[] = [];
  let page: Page | null = null;
  for (let index = 0; index < options.requests; index += 1) {
    const started = performance.now();
    page = await readPage(shape.session, shape.query);
    latencies.push(performance.now() - started);
  }
  const items = page?.items ?? [];
  return {
    name: shape.name,
    query: shape.query,
    latency: summariseLatencies(latencies),
    items: items.length,
    allMatch: items.every((item) => shape.matches(item)),
  };
}

async function readPage(session: ApiSession, query: string): Promise<Page> {
  const response = await session.get(query);
  if (response.status !== 200) throw new Error(`GET ${query} returned HTTP ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Page;
}

