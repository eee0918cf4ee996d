import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_EXPORT_POINTS } from '../../src/services/admin/locations-export.js';
import { enrol, seedPolicy, seedToken } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

// A track export keeps the newest 50,000 fixes of its period. The only sign
// of a cut file was the X-Outpost-Truncated header, which a browser download
// never shows, so a manager could take a cut file for the whole period.

const MINUTE = 60_000;
const INSERT_BATCH = 500;

let server: TestServer;
let admin: ApiClient;
let devicePk: string;
let start: number;
let end: number;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  const tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
  await enrol(server, 'long-track-01', tokenId);
  devicePk = (await server.ctx.store.devices.findByDeviceId('long-track-01'))!.id;

  // One fix a minute, one more than an export carries.
  const count = MAX_EXPORT_POINTS + 1;
  start = Date.now() - 60 * 24 * 60 * MINUTE;
  end = start + (count - 1) * MINUTE;
  const rows = Array.from({ length: count }, (_, index) => ({
    id: `long-track-${index}`,
    device_pk: devicePk,
    taken_at: start + index * MINUTE,
    lat: 8.4 + (index % 100) / 10_000,
    lon: -13.2,
    received_at: start + index * MINUTE,
  }));
  for (let offset = 0; offset < rows.length; offset += INSERT_BATCH) {
    await server.ctx.store.db.insertInto('locations').values(rows.slice(offset, offset + INSERT_BATCH)).execute();
  }
}, 120_000);

afterAll(async () => {
  await server?.dispose();
});

describe('cut track export', () => {
  it('GeoJSON says it is cut', async () => {
    const response = await admin.get(`/v1/devices/${devicePk}/locations/export?format=geojson&from=${start}&to=${end}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-outpost-truncated')).toBe('true');
    expect(response.headers.get('content-disposition')).toMatch(/-newest-50000\.geojson"$/);
    const collection = JSON.parse(response.bytes.toString('utf8'));
    expect(collection.truncated).toBe(true);
    const points = collection.features.filter((feature: { geometry: { type: string } }) => feature.geometry.type === 'Point');
    expect(points).toHaveLength(MAX_EXPORT_POINTS);
    // The oldest fix is the one left out.
    expect(points[0].properties.takenAtMs).toBe(start + MINUTE);
  });

  it('CSV name says it is cut', async () => {
    const response = await admin.get(`/v1/devices/${devicePk}/locations/export?format=csv&from=${start}&to=${end}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/-newest-50000\.csv"$/);
  });

  it('whole period keeps the plain name', async () => {
    const response = await admin.get(`/v1/devices/${devicePk}/locations/export?format=geojson&from=${start + MINUTE}&to=${end}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-outpost-truncated')).toBe('false');
    expect(response.headers.get('content-disposition')).not.toContain('newest');
    expect(JSON.parse(response.bytes.toString('utf8')).truncated).toBe(false);
  });
});
