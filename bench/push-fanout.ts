// Benchmarks b (long-poll half) and f: the time for one policy change to
// reach every long-polling device, and Outpost's memory while those polls
// are open.

import { AdminSession } from './lib/admin-session.js';
import { deviceIdOf } from './lib/fleet-shape.js';
import { epochMs } from './lib/clock.js';
import { LongPollFleet, type PollRound } from './lib/long-poll-fleet.js';
import { openLongPolls, outpostMemory, startOutpost, type OutpostChild, type OutpostMemory } from './lib/outpost-child.js';
import type { RunContext } from './lib/run-context.js';
import { spreadOf, summariseLatencies, type LatencySummary, type Spread } from './lib/stats.js';
import { waitUntil, withTimeout } from './lib/wait.js';

export interface PushFanoutOptions {
  devices: number;
  repeats: number;
  /** Time allowed for every poll to get its response after the change; the target is 2 s. */
  deliveryTimeoutMs: number;
}

export interface FanoutRound {
  /** Polls whose response was HTTP 200. */
  answered: number;
  failed: number;
  /** Responses that carried configUpdated. */
  configUpdated: number;
  /** Time the console's policy save took, from request to response. */
  saveMs: number;
  /** Time from the start of the save to each response. */
  delivery: LatencySummary;
  /** Time from the start of the save to the last response. */
  allDeliveredMs: number;
  firstError: string | null;
}

export interface PushFanoutResult {
  devices: number;
  /** Seconds to open every socket and have every poll held. */
  connectSeconds: number;
  rounds: FanoutRound[];
  allDeliveredMs: Spread;
  deliveryP50Ms: Spread;
  deliveryP99Ms: Spread;
  memory: PollMemory;
}

/** Benchmark f: Outpost's memory before the polls arrive and while they are open. */
export interface PollMemory {
  idle: OutpostMemory;
  withPolls: OutpostMemory[];
  rssIncreasePerPollBytes: Spread;
  heapIncreasePerPollBytes: Spread;
}

// Opening and registering ten thousand polls, with a contact-time write for
// each, takes seconds on a loaded 2-core machine; a minute means a fault.
const POLLS_HELD_TIMEOUT_MS = 60_000;

/** Runs benchmarks b (long polling) and f, after one unmeasured warm-up round. */
export async function runPushFanout(run: RunContext, options: PushFanoutOptions): Promise<PushFanoutResult> {
  // One policy for the whole fleet, so that one change wakes every device.
  const fleet = await run.fleet({ devices: options.devices, policies: 1, locationsPerDevice: 1 });
  const policyId = fleet.policyIds[0];
  if (!policyId) throw new Error('The seeded fleet has no policy.');

  let outpost: OutpostChild | null = null;
  let pollers: LongPollFleet | null = null;
  try {
    outpost = await startOutpost(`outpost (${options.devices} polls)`, fleet.dataDir);
    const session = await AdminSession.signIn(outpost.ready.url);
    const idle = await outpostMemory(outpost);

    const connectStarted = performance.now();
    const deviceIds = Array.from({ length: options.devices }, (_, index) => deviceIdOf(index + 1));
    pollers = await LongPollFleet.connect(outpost.ready.url, deviceIds);
    let connectSeconds = 0;

    const rounds: FanoutRound[] = [];
    const withPolls: OutpostMemory[] = [];
    // Round 0 warms up the save and wake-up code paths and is not counted.
    for (let repeat = 0; repeat <= options.repeats; repeat += 1) {
      const round = pollers.poll();
      const server = outpost;
      await waitUntil(
        async () => (await openLongPolls(server)) === options.devices,
        POLLS_HELD_TIMEOUT_MS,
        async () => `Outpost holds ${await openLongPolls(server)} of ${options.devices} polls`,
      );
      if (repeat === 0) connectSeconds = (performance.now() - connectStarted) / 1000;
      else withPolls.push(await outpostMemory(outpost));

      const changeStarted = epochMs();
      await session.changePolicy(policyId);
      const saveMs = epochMs() - changeStarted;
      const activePollers = pollers;
      const answers = await withTimeout(round.answered, options.deliveryTimeoutMs, () => {
        activePollers.abandonRound(`no response within ${options.deliveryTimeoutMs} ms of the change`);
        return round.answered;
      });
      if (repeat === 0) continue;
      rounds.push(toRound(answers, changeStarted, saveMs));
      run.log(`push fan-out, ${options.devices} polls, repeat ${repeat}: last response after ${rounds.at(-1)?.allDeliveredMs.toFixed(0)} ms`);
    }

    return {
      devices: options.devices,
      connectSeconds,
      rounds,
      allDeliveredMs: spreadOf(rounds.map((round) => round.allDeliveredMs)),
      deliveryP50Ms: spreadOf(rounds.map((round) => round.delivery.p50Ms)),
      deliveryP99Ms: spreadOf(rounds.map((round) => round.delivery.p99Ms)),
      memory: {
        idle,
        withPolls,
        rssIncreasePerPollBytes: spreadOf(withPolls.map((memory) => (memory.rss - idle.rss) / options.devices)),
        heapIncreasePerPollBytes: spreadOf(withPolls.map((memory) => (memory.heapUsed - idle.heapUsed) / options.devices)),
      },
    };
  } finally {
    pollers?.close();
    await outpost?.stop();
    fleet.remove();
  }
}

function toRound(answers: PollRound, changeStarted: number, saveMs: number): FanoutRound {
  const delays = answers.answeredAt.map((at) => at - changeStarted);
  return {
    answered: answers.answered,
    failed: answers.failed,
    configUpdated: answers.configUpdated,
    saveMs,
    delivery: summariseLatencies(delays),
    allDeliveredMs: delays.length === 0 ? Number.NaN : Math.max(...delays),
    firstError: answers.firstError,
  };
}
