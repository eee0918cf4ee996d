import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deviceInfo, enrol, postJson, seedPolicy, seedToken } from '../agent-api/helpers.js';
import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, signInWithRole, startApiServer } from './support/client.js';
import { insertDevice } from './support/devices.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('location history', () => {
  let server: TestServer;
  let admin: ApiClient;
  let viewer: ApiClient;
  let tokenId: string;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    viewer = await signInWithRole(server, admin, 'viewer');
    tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
  });
  afterAll(async () => {
    await server.dispose();
  });

  async function report(deviceId: string, location: unknown, extra: Record<string, unknown> = {}) {
    const response = await postJson(server, '/rest/public/sync/info', deviceInfo(deviceId, { location, ...extra }));
    expect(response.status).toBe(200);
    return response;
  }

  async function devicePk(deviceId: string): Promise<string> {
    const device = await server.ctx.store.devices.findByDeviceId(deviceId);
    if (!device) throw new Error(`device ${deviceId} missing`);
    return device.id;
  }

  it('Out-of-order and duplicate location reports give one ordered track', async () => {
    await enrol(server, 'phone-track', tokenId);
    const base = Date.now() - 3 * HOUR;
    const fixes = [0, 1, 2, 3, 4].map((step) => ({ ts: base + step * 15 * MINUTE, lat: 8.48 + step * 0.001, lon: -13.23 - step * 0.001 }));

    // Arrival order: 2, 0, 4, 2 again, 1, 3, 0 again, 4 again.
    for (const index of [2, 0, 4, 2, 1, 3, 0, 4]) await report('phone-track', fixes[index]);

    const pk = await devicePk('phone-track');
    const response = await admin.get(`/v1/devices/${pk}/locations?from=${base - MINUTE}&to=${base + 2 * HOUR}`);
    expect(response.status).toBe(200);
    expect(response.body.points.map((point: { at: number }) => point.at)).toEqual(fixes.map((fix) => fix.ts));
    expect(response.body.points.map((point: { lat: number }) => point.lat)).toEqual(fixes.map((fix) => fix.lat));
    expect(response.body.truncated).toBe(false);
    expect(response.body.rejectedTotal).toBe(0);

    const rows = await server.ctx.store.locations.listForDevice(pk, 0, Number.MAX_SAFE_INTEGER, 100);
    expect(rows).toHaveLength(5);
  });

  it('last position moves only forward in time taken', async () => {
    await enrol(server, 'phone-forward', tokenId);
    const newer = { ts: Date.now() - 10 * MINUTE, lat: 9.1, lon: -12.1 };
    const older = { ts: Date.now() - 50 * MINUTE, lat: 9.0, lon: -12.0 };

    await report('phone-forward', newer);
    await report('phone-forward', older);

    const device = await server.ctx.store.devices.findByDeviceId('phone-forward');
    expect(device?.last_location_at).toBe(newer.ts);
    expect(device?.last_lat).toBe(newer.lat);
    expect(device?.last_lon).toBe(newer.lon);
  });

  it('impossible coordinates and future times are counted and kept out', async () => {
    await enrol(server, 'phone-broken-gps', tokenId);
    const now = Date.now();
    const good = { ts: now - 5 * MINUTE, lat: 7.96, lon: -11.74 };

    await report('phone-broken-gps', good);
    await report('phone-broken-gps', { ts: now - 4 * MINUTE, lat: 91, lon: 10 });
    await report('phone-broken-gps', { ts: now - 3 * MINUTE, lat: 10, lon: -180.5 });
    await report('phone-broken-gps', { ts: now - 2 * MINUTE, lat: 0, lon: 0 });
    await report('phone-broken-gps', { ts: now + 3 * HOUR, lat: 7.97, lon: -11.75 });
    await report('phone-broken-gps', { ts: Date.UTC(2003, 0, 1), lat: 7.97, lon: -11.75 }, { batteryLevel: 42 });

    const pk = await devicePk('phone-broken-gps');
    const response = await viewer.get(`/v1/devices/${pk}/locations?from=${now - HOUR}&to=${now + 4 * HOUR}`);
    expect(response.status).toBe(200);
    expect(response.body.points).toEqual([{ at: good.ts, lat: good.lat, lon: good.lon, receivedAt: expect.any(Number) }]);
    expect(response.body.rejectedTotal).toBe(5);

    const counts = Object.fromEntries(response.body.rejections.map((rejection: { reason: string; count: number }) => [rejection.reason, rejection.count]));
    expect(counts).toEqual({ invalid_coordinates: 2, null_island: 1, future_time: 1, invalid_time: 1 });
    const future = response.body.rejections.find((rejection: { reason: string }) => rejection.reason === 'future_time');
    expect(future.lastFix.at).toBe(now + 3 * HOUR);

    // The rest of a report with a rejected fix is still stored.
    const device = await server.ctx.store.devices.findByDeviceId('phone-broken-gps');
    expect(device?.battery_level).toBe(42);
    expect(device?.last_location_at).toBe(good.ts);
    expect(device?.last_lat).toBe(good.lat);
  });

  it('track rejects bad periods naming the parameter', async () => {
    const pk = await devicePk('phone-track');
    const cases: Array<[string, string]> = [
      ['?from=yesterday', 'query.from'],
      ['?to=2026-03-01T08:00:00', 'query.to'],
      ['?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'query.from'],
      ['?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.from'],
      ['?since=1', 'query.since'],
    ];

    for (const [query, field] of cases) {
      const response = await admin.get(`/v1/devices/${pk}/locations${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.field, query).toBe(field);
      expect(response.body.message, query).toMatch(/^(Invalid|Unknown field)/);
    }
  });

  it('track of an unknown device is not found', async () => {
    const response = await admin.get('/v1/devices/no-such-device/locations');

    expect(response.status).toBe(404);
    expect(response.body.field).toBe('params.id');
  });

  it('track accepts ISO times with an offset', async () => {
    const pk = await devicePk('phone-track');
    const first = (await admin.get(`/v1/devices/${pk}/locations?from=${Date.now() - 30 * 24 * HOUR}&to=${Date.now()}`)).body.points[0].at as number;
    const shifted = new Date(first + HOUR).toISOString().replace('Z', '+01:00');

    const response = await admin.get(`/v1/devices/${pk}/locations?from=${encodeURIComponent(shifted)}&to=${first}`);
    expect(response.status).toBe(200);
    expect(response.body.from).toBe(first);
    expect(response.body.points.map((point: { at: number }) => point.at)).toEqual([first]);
  });

  it('track export as GeoJSON parses back', async () => {
    const pk = await devicePk('phone-track');
    const response = await viewer.get(`/v1/devices/${pk}/locations/export?format=geojson&from=${Date.now() - 30 * 24 * HOUR}&to=${Date.now()}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/geo+json');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="track-phone-track-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.geojson"$/);
    const collection = JSON.parse(response.bytes.toString('utf8'));
    expect(collection.type).toBe('FeatureCollection');
    const points = collection.features.filter((feature: { geometry: { type: string } }) => feature.geometry.type === 'Point');
    const lines = collection.features.filter((feature: { geometry: { type: string } }) => feature.geometry.type === 'LineString');
    expect(points).toHaveLength(5);
    expect(lines).toHaveLength(1);
    expect(lines[0].geometry.coordinates).toHaveLength(5);
    // RFC 7946 order: longitude first.
    expect(points[0].geometry.coordinates).toEqual([-13.23, 8.48]);
    expect(points[0].properties.takenAt).toBe(new Date(points[0].properties.takenAtMs).toISOString());
    for (const feature of collection.features) {
      expect(feature.type).toBe('Feature');
      expect(Array.isArray(feature.geometry.coordinates)).toBe(true);
    }
  });

  it('track export as CSV opens in spreadsheets', async () => {
    const pk = await devicePk('phone-track');
    const response = await admin.get(`/v1/devices/${pk}/locations/export?format=csv&from=${Date.now() - 30 * 24 * HOUR}&to=${Date.now()}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect([...response.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(response.bytes, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(records).toHaveLength(5);
    expect(Object.keys(records[0]!)).toEqual([
      'device_id',
      'taken_at_utc',
      'taken_at_ms',
      'latitude',
      'longitude',
      'received_at_utc',
      'received_at_ms',
    ]);
    expect(records[0]!.device_id).toBe('phone-track');
    expect(records[0]!.longitude).toBe('-13.23');
    expect(new Date(records[0]!.taken_at_utc!).getTime()).toBe(Number(records[0]!.taken_at_ms));
    expect(records[0]!.taken_at_utc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('exports are recorded in the audit log', async () => {
    const events = await admin.get('/v1/audit?limit=50');
    const actions = events.body.items.map((event: { action: string }) => event.action);

    expect(actions).toContain('locations.export_track');
  });

  it('export rejects an unknown format', async () => {
    const pk = await devicePk('phone-track');
    const response = await admin.get(`/v1/devices/${pk}/locations/export?format=kml`);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.format');
  });

  it('fleet positions mark lost phones', async () => {
    const now = server.ctx.now();
    await insertDevice(server.ctx, {
      device_id: 'phone-lost',
      last_contact_at: now - 3 * HOUR,
      last_lat: 8.5,
      last_lon: -11.9,
      last_location_at: now - 3 * HOUR,
      lost_mode_since: now - HOUR,
    });
    await insertDevice(server.ctx, { device_id: 'phone-no-fix', last_contact_at: now });

    const response = await viewer.get('/v1/locations/fleet');
    expect(response.status).toBe(200);
    const byId = new Map(response.body.items.map((item: { deviceId: string }) => [item.deviceId, item]));
    expect(byId.has('phone-no-fix')).toBe(false);
    expect(byId.get('phone-lost')).toMatchObject({ lat: 8.5, lon: -11.9, status: 'offline', lostModeSince: now - HOUR });
    expect(byId.get('phone-forward')).toMatchObject({ status: 'online', lostModeSince: null });
  });

  it('fleet positions leave out fixes older than since', async () => {
    const since = new Date(server.ctx.now() - 2 * HOUR).toISOString();
    const response = await admin.get(`/v1/locations/fleet?since=${encodeURIComponent(since)}`);

    const ids = response.body.items.map((item: { deviceId: string }) => item.deviceId);
    expect(ids).toContain('phone-forward');
    expect(ids).not.toContain('phone-lost');
  });

  it('fleet CSV guards cells against formulas', async () => {
    const now = server.ctx.now();
    await insertDevice(server.ctx, {
      device_id: '=HYPERLINK("http://127.0.0.1/x")',
      serial: '+SERIAL',
      model: '@SUM(A1)',
      last_lat: -8.5,
      last_lon: -11.9,
      last_location_at: now - MINUTE,
      last_contact_at: now - MINUTE,
    });

    const response = await admin.get('/v1/locations/fleet/export?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="fleet-positions-\d{8}T\d{6}Z\.csv"$/);
    const records = parse(response.bytes, { bom: true, columns: true }) as Array<Record<string, string>>;
    const row = records.find((record) => record.device_id!.includes('HYPERLINK'));
    expect(row?.device_id).toBe(`'=HYPERLINK("http://127.0.0.1/x")`);
    expect(row?.serial).toBe("'+SERIAL");
    expect(row?.model).toBe("'@SUM(A1)");
    // Numbers stay numbers: a negative coordinate gets no apostrophe.
    expect(row?.latitude).toBe('-8.5');
    expect(row?.status).toBe('online');
    expect(records.find((record) => record.device_id === 'phone-lost')?.lost_mode_since_utc).toMatch(/Z$/);
  });

  it('fleet GeoJSON parses back', async () => {
    const response = await admin.get('/v1/locations/fleet/export?format=geojson');

    expect(response.status).toBe(200);
    const collection = JSON.parse(response.bytes.toString('utf8'));
    expect(collection.type).toBe('FeatureCollection');
    const lost = collection.features.find((feature: { properties: { deviceId: string } }) => feature.properties.deviceId === 'phone-lost');
    expect(lost.geometry).toEqual({ type: 'Point', coordinates: [-11.9, 8.5] });
    expect(lost.properties.status).toBe('offline');
  });

  it('map settings name the tile source', async () => {
    const response = await viewer.get('/v1/map/settings');

    expect(response.status).toBe(200);
    // Test servers point tiles at loopback; the default is checked in the configuration tests.
    expect(response.body).toEqual({
      urlTemplate: 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png',
      attribution: '© OpenStreetMap contributors',
    });
  });

  it('retention purge deletes only older fixes', async () => {
    const pk = await devicePk('phone-track');
    const all = await server.ctx.store.locations.listForDevice(pk, 0, Number.MAX_SAFE_INTEGER, 100);
    const cutoff = all[2]!.taken_at;

    const deleted = await server.ctx.store.locations.deleteOlderThan(cutoff);
    expect(deleted).toBeGreaterThanOrEqual(2);

    const left = await server.ctx.store.locations.listForDevice(pk, 0, Number.MAX_SAFE_INTEGER, 100);
    expect(left).toHaveLength(3);
    expect(left.every((fix) => fix.taken_at >= cutoff)).toBe(true);
  });
});
