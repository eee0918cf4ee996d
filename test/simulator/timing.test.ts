import { afterEach, describe, expect, it } from 'vitest';

import { SimClock } from '../../simulator/clock.js';
import { startFleet, type Fleet } from '../../simulator/index.js';
import { FakeAgentServer } from './support/fake-agent-server.js';

// The agent's schedule (15-minute reports, hourly sync check, poll pauses)
// scaled by the fleet speed. Bounds are loose, so a slow machine only makes
// counts smaller, never a wrong pass.

let server: FakeAgentServer;
let fleet: Fleet | null = null;

afterEach(async () => {
  await fleet?.stop();
  fleet = null;
  await server?.close();
});

async function runFor(speed: number, realMs: number): Promise<Fleet> {
  server = new FakeAgentServer('outpost');
  await server.start();
  fleet = await startFleet({ qr: server.qr(), count: 1, speed, seed: 3, rampMs: 0 });
  await new Promise((resolve) => setTimeout(resolve, realMs));
  return fleet;
}

describe('SimClock', () => {
  it('converts simulated to real time', () => {
    const clock = new SimClock(60);
    expect(clock.toRealMs(3_600_000)).toBe(60_000);
  });

  it('rejects a speed that is not positive', () => {
    expect(() => new SimClock(0)).toThrow(/positive/);
  });

  it('ends a sleep early on abort', async () => {
    const clock = new SimClock(1);
    const controller = new AbortController();
    const slept = clock.sleep(60_000, controller.signal);
    controller.abort();
    expect(await slept).toBe(false);
  });
});

describe('agent schedule', () => {
  it('reports every 15 simulated minutes', async () => {
    // At 3600x a quarter hour is 250 ms: about 5 reports in 1.3 s.
    const { agents } = await runFor(3600, 1_300);
    const agent = agents[0]!;
    expect(agent.counters.infos).toBeGreaterThanOrEqual(4);
    expect(agent.counters.infos).toBeLessThanOrEqual(9);
  });

  it('sends no periodic report within 15 minutes', async () => {
    // At 1x only the report after the first sync fits in a second.
    const { agents } = await runFor(1, 1_000);
    expect(agents[0]!.counters.infos).toBe(1);
  });

  it('syncs again once the last sync is over an hour old', async () => {
    // At 3600x an hour is 1 s and the check runs every 250 ms: the second
    // sync comes at 1.25 s, the third at 2.5 s.
    const { agents } = await runFor(3600, 2_000);
    expect(agents[0]!.counters.syncs).toBe(2);
  });

  it('pauses 5 s between answered polls', async () => {
    server = new FakeAgentServer('outpost');
    await server.start();
    server.pollHoldMs = 0;
    // At 60x the pause is 83 ms: about 12 polls in a second.
    fleet = await startFleet({ qr: server.qr(), count: 1, speed: 60, seed: 3, rampMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(fleet.agents[0]!.counters.polls).toBeGreaterThanOrEqual(6);
    expect(fleet.agents[0]!.counters.polls).toBeLessThanOrEqual(13);
  });

  it('pauses 60 s after a 4xx poll', async () => {
    server = new FakeAgentServer('outpost');
    await server.start();
    server.pollStatus = 404;
    // At 60x the pause is 1 s: the first poll and one more fit in 1.5 s.
    fleet = await startFleet({ qr: server.qr(), count: 1, speed: 60, seed: 3, rampMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.calls('notification/polling/')).toHaveLength(2);
  });
});
