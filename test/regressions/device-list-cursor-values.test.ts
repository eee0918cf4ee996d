import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TestServer } from '../support/server.js';
import { type ApiClient, signInAsAdmin, startApiServer } from '../admin-api/support/client.js';
import { insertDevice } from '../admin-api/support/devices.js';

// A device-list cursor is base64 JSON that a client can edit. Values of the
// wrong type or out of a column's range reached the SQL and, on PostgreSQL,
// failed it with a 500 (invalid integer text, bigint out of range).

const encode = (cursor: unknown) => Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

describe('edited device-list cursors', () => {
  let server: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    server = await startApiServer();
    admin = await signInAsAdmin(server);
    for (let index = 0; index < 3; index += 1) await insertDevice(server.ctx, { device_id: `cursor-${index}`, battery_level: 50 + index });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('reject values that do not fit the sort', async () => {
    const first = await admin.get('/v1/devices?sort=battery&limit=1');
    expect(first.status).toBe(200);
    const cursor = JSON.parse(Buffer.from(first.body.nextCursor as string, 'base64url').toString('utf8')) as Record<string, unknown>;

    const edits: Array<[string, Record<string, unknown>]> = [
      ['text battery', { value: 'abc' }],
      ['huge battery', { value: 1e300 }],
      ['battery past 32 bits', { value: 2 ** 40 }],
      ['huge change sequence', { changeSeq: 1e20 }],
      ['huge creation time', { createdAt: 1e300 }],
      ['long search', { search: 'x'.repeat(5000) }],
      ['long id', { id: 'y'.repeat(5000) }],
    ];
    for (const [name, edit] of edits) {
      const response = await admin.get(`/v1/devices?limit=1&cursor=${encode({ ...cursor, ...edit })}`);
      expect(response.status, name).toBe(400);
      expect(response.body.field, name).toBe('query.cursor');
    }
  });

  it('reject text where the sort is a time', async () => {
    const first = await admin.get('/v1/devices?sort=enrolledAt&limit=1');
    const cursor = JSON.parse(Buffer.from(first.body.nextCursor as string, 'base64url').toString('utf8')) as Record<string, unknown>;

    const response = await admin.get(`/v1/devices?limit=1&cursor=${encode({ ...cursor, value: 'zz' })}`);

    expect(response.status).toBe(400);
    expect(response.body.field).toBe('query.cursor');
  });
});
