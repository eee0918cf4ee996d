import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deviceInfo, enrol, postJson, seedPolicy, seedToken } from '../agent-api/helpers.js';
import { signInAsAdmin, startApiServer, type ApiClient } from '../admin-api/support/client.js';
import type { TestServer } from '../support/server.js';

// Epoch milliseconds past the years 0000 to 9999 once made Date.toISOString
// throw while the message or the export file name was built, which the API
// turned into a 500. Day numbers past the end of a month were read as days of
// the next month, so a typo silently moved the period. A "+" offset left
// unencoded in the URL arrives as a space, and the message now gives a hint.

let server: TestServer;
let admin: ApiClient;
let devicePk: string;

beforeAll(async () => {
  server = await startApiServer();
  admin = await signInAsAdmin(server);
  const tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
  await enrol(server, 'time-bounds-01', tokenId);
  const report = await postJson(
    server,
    '/rest/public/sync/info',
    deviceInfo('time-bounds-01', { location: { ts: Date.UTC(2024, 1, 29, 12), lat: 8.48, lon: -13.23 } }),
  );
  expect(report.status).toBe(200);
  devicePk = (await server.ctx.store.devices.findByDeviceId('time-bounds-01'))!.id;
});

afterAll(async () => {
  await server?.dispose();
});

const OUT_OF_RANGE_QUERIES: Array<[string, string, 'query.from' | 'query.to']> = [
  ['from after to, far in the future', 'from=9007199254740991&to=0', 'query.from'],
  ['both past year 9999', 'from=8640000000000001&to=8640000000000002', 'query.to'],
  ['both before year 0000', 'from=-9007199254740991&to=-9007199254740000', 'query.to'],
  ['to just past year 9999', 'to=253402300800000', 'query.to'],
  ['an offset past year 9999', 'from=9999-12-31T00:00:00Z&to=9999-12-31T23:30:00-01:00', 'query.to'],
  ['30 February', 'from=2026-02-30T00:00:00Z&to=2026-03-05T00:00:00Z', 'query.from'],
  ['31 April', 'from=2026-04-01T00:00:00Z&to=2026-04-31T10:00:00Z', 'query.to'],
  ['29 February of a common year', 'from=2026-02-29T00:00:00Z&to=2026-03-01T00:00:00Z', 'query.from'],
];

describe('track period bounds', () => {
  for (const [name, query, field] of OUT_OF_RANGE_QUERIES) {
    it(`track rejects ${name}`, async () => {
      const response = await admin.get(`/v1/devices/${devicePk}/locations?${query}`);

      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
      expect(response.body.message).toMatch(/^Invalid (from|to)/);
    });

    it(`export rejects ${name}`, async () => {
      const response = await admin.get(`/v1/devices/${devicePk}/locations/export?format=csv&${query}`);

      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
    });
  }

  it('fleet rejects since past year 9999', async () => {
    const response = await admin.get('/v1/locations/fleet?since=9007199254740991');

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.since');
    expect(response.body.message).toContain('from year 0000 to 9999');
  });

  it('unencoded plus gets a hint', async () => {
    const response = await admin.get(`/v1/devices/${devicePk}/locations?from=2024-02-29T09:00:00+01:00`);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.from');
    expect(response.body.message).toContain('%2B');
  });

  it('export accepts the last millisecond of 9999', async () => {
    const response = await admin.get(`/v1/devices/${devicePk}/locations/export?format=geojson&from=253402300000000&to=253402300799999`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('99991231T235959Z');
  });

  it('track accepts 29 February of a leap year', async () => {
    const response = await admin.get(`/v1/devices/${devicePk}/locations?from=2024-02-29T00:00:00Z&to=2024-02-29T23:59:59Z`);

    expect(response.status).toBe(200);
    expect(response.body.points).toHaveLength(1);
  });
});
