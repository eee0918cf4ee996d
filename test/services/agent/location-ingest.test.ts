import { Writable } from 'node:stream';

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ingestLocation } from '../../../src/services/agent/location-ingest.js';
import { newId } from '../../../src/store/ids.js';
import { createServiceContext, type ServiceContext } from '../admin/support/context.js';

const NOW = Date.UTC(2026, 2, 1, 8, 0, 0);
const MINUTE = 60_000;

describe('ingestLocation', () => {
  let ctx: ServiceContext;
  let logLines: Array<Record<string, unknown>>;
  let devicePk: string;

  beforeEach(async () => {
    ctx = await createServiceContext();
    logLines = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    ctx.logger = pino({ level: 'info' }, sink);

    devicePk = newId();
    await ctx.store.db
      .insertInto('devices')
      .values({ id: devicePk, device_id: 'ingest-phone', enrolment_generation: 1, enrolled_at: NOW, created_at: NOW, updated_at: NOW } as never)
      .execute();
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  it('returns the new last position', async () => {
    const result = await ingestLocation(ctx, devicePk, { takenAt: NOW - MINUTE, lat: 8.1, lon: -11.2 }, NOW);

    expect(result.lastPosition).toEqual({ last_lat: 8.1, last_lon: -11.2, last_location_at: NOW - MINUTE });
  });

  it('older fix joins the track only', async () => {
    await ingestLocation(ctx, devicePk, { takenAt: NOW - MINUTE, lat: 8.1, lon: -11.2 }, NOW);
    const result = await ingestLocation(ctx, devicePk, { takenAt: NOW - 30 * MINUTE, lat: 8.0, lon: -11.0 }, NOW);

    expect(result.lastPosition).toBeNull();
    const fixes = await ctx.store.locations.listForDevice(devicePk, 0, NOW, 10);
    expect(fixes.map((fix) => Number(fix.taken_at))).toEqual([NOW - MINUTE, NOW - 30 * MINUTE]);
  });

  it('logs a rejection once per reason', async () => {
    for (let index = 0; index < 3; index += 1) {
      await ingestLocation(ctx, devicePk, { takenAt: NOW - index, lat: 0, lon: 0 }, NOW);
    }
    await ingestLocation(ctx, devicePk, { takenAt: NOW + 60 * MINUTE, lat: 1, lon: 1 }, NOW);

    const warnings = logLines.filter((line) => line.msg === 'device location rejected');
    expect(warnings.map((line) => line.reason)).toEqual(['null_island', 'future_time']);
    expect(warnings[0]?.devicePk).toBe(devicePk);
    const counts = await ctx.store.locations.listRejections(devicePk);
    expect(counts.find((row) => row.reason === 'null_island')?.count).toBe(3);
    expect(await ctx.store.locations.listForDevice(devicePk, 0, NOW * 2, 10)).toEqual([]);
  });
});
