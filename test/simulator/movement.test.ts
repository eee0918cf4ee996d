import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ReportDelivery } from '../../simulator/device-info.js';
import { distanceM, scatter, VillageRound } from '../../simulator/movement.js';
import { startFleet, type Fleet } from '../../simulator/index.js';
import { SeededRandom } from '../../simulator/random.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { seedEnrolment } from './support/real-enrolment.js';

const HOME = { lat: 8.64, lon: -10.97 };
const MINUTE = 60_000;

describe('village round', () => {
  it('same seed walks the same path', () => {
    const first = new VillageRound(new SeededRandom(7), HOME);
    const second = new VillageRound(new SeededRandom(7), HOME);
    const other = new VillageRound(new SeededRandom(8), HOME);

    const times = [0, 11 * 60 * MINUTE, 13 * 60 * MINUTE, 17 * 60 * MINUTE];
    expect(times.map((time) => first.positionAt(time))).toEqual(times.map((time) => second.positionAt(time)));
    expect(first.stops).not.toEqual(other.stops);
  });

  it('stays within walking range of home', () => {
    const round = new VillageRound(new SeededRandom(21), HOME);

    for (let time = 0; time < round.roundMs; time += 5 * MINUTE) {
      expect(distanceM(HOME, round.positionAt(time))).toBeLessThan(8_100);
    }
  });

  it('moves at walking speed between fixes', () => {
    const round = new VillageRound(new SeededRandom(22), HOME);

    for (let time = 0; time < round.roundMs; time += 15 * MINUTE) {
      const step = distanceM(round.positionAt(time), round.positionAt(time + 15 * MINUTE));
      // 4 km/h for 15 minutes is 1 km.
      expect(step).toBeLessThanOrEqual(1_001);
    }
  });

  it('leaves home and comes back each round', () => {
    const round = new VillageRound(new SeededRandom(23), HOME);

    expect(round.positionAt(0)).toEqual(HOME);
    expect(round.stops.length).toBeGreaterThanOrEqual(4);
    const farthest = Math.max(...round.stops.map((stop) => distanceM(HOME, stop)));
    expect(farthest).toBeGreaterThan(1_000);
    expect(round.positionAt(round.roundMs)).toEqual(HOME);
  });

  it('scatter stays within 25 metres', () => {
    const random = new SeededRandom(24);
    for (let index = 0; index < 200; index += 1) {
      expect(distanceM(HOME, scatter(random, HOME))).toBeLessThanOrEqual(25.01);
    }
  });
});

describe('report delivery', () => {
  it('sends each report once without faults', () => {
    const delivery = new ReportDelivery(new SeededRandom(1));

    expect(delivery.plan({ n: 1 })).toEqual([{ n: 1 }]);
    expect(delivery.plan({ n: 2 })).toEqual([{ n: 2 }]);
  });

  it('sends a late report after the next one', () => {
    const delivery = new ReportDelivery(new SeededRandom(2), { lateReportShare: 1 });

    expect(delivery.plan({ n: 1 })).toEqual([]);
    expect(delivery.plan({ n: 2 })).toEqual([{ n: 2 }, { n: 1 }]);
    expect(delivery.lateReports).toBe(1);
    expect(delivery.releasedReports).toBe(2);
  });

  it('sends a repeated report twice', () => {
    const delivery = new ReportDelivery(new SeededRandom(3), { repeatedReportShare: 1 });

    expect(delivery.plan({ n: 1 })).toEqual([{ n: 1 }, { n: 1 }]);
    expect(delivery.repeatedReports).toBe(1);
    expect(delivery.releasedReports).toBe(1);
  });
});

describe('moving fleet against Outpost', () => {
  let server: TestServer;
  let fleet: Fleet | null = null;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await fleet?.stop();
    await server.dispose();
  });

  it('late and repeated reports give ordered tracks', async () => {
    const { qr } = await seedEnrolment(server, { deviceIdSource: 'serial' });
    // At 3,600 times real speed a 15-minute report cycle takes 0.25 s.
    fleet = await startFleet({ qr, count: 2, speed: 3600, seed: 31, faults: { lateReportShare: 0.3, repeatedReportShare: 0.3 } });
    await fleet.waitFor(
      (f) => f.agents.every((agent) => agent.counters.infos >= 12 && agent.device.reports.lateReports >= 1 && agent.device.reports.repeatedReports >= 1),
      30_000,
    );
    const agents = [...fleet.agents];
    await fleet.stop();
    fleet = null;

    for (const agent of agents) {
      const device = await server.ctx.store.devices.findByDeviceId(agent.deviceId);
      expect(device).toBeDefined();
      const fixes = await server.ctx.store.locations.listForDevice(device!.id, 0, Number.MAX_SAFE_INTEGER, 1_000);
      const times = fixes.map((fix) => Number(fix.taken_at));
      expect(new Set(times).size).toBe(times.length);
      expect(times.length).toBeGreaterThanOrEqual(10);
      // A repeated report carries a fix already stored, so it adds no row.
      expect(times.length).toBeLessThanOrEqual(agent.device.reports.releasedReports);

      // The newest fix wins although late reports arrived after it.
      expect(Number(device!.last_location_at)).toBe(Math.max(...times));
      const distinct = new Set(fixes.map((fix) => `${fix.lat},${fix.lon}`));
      expect(distinct.size).toBeGreaterThan(1);
    }
  });
});
