// Benchmark g: how much memory one simulator process needs per virtual
// agent, with long polling and with MQTT push. Outpost runs in one child
// process and the fleet in another, so the fleet's RSS is its own.

import { DEFAULT_AGENT_SECRET } from '../simulator/agent-constants.js';
import { AdminSession } from './lib/admin-session.js';
import { BenchChild } from './lib/child-process.js';
import { openLongPolls, startOutpost, type OutpostChild } from './lib/outpost-child.js';
import type { NodeMemory } from './lib/process-memory.js';
import type { RunContext } from './lib/run-context.js';
import { waitUntil } from './lib/wait.js';
import type { FleetStartRequest, FleetStartResult } from './servers/simulator-fleet.js';

export interface SimulatorMemoryOptions {
  agentCounts: number[];
  /** Simulated time runs this many times faster than real time. */
  speed: number;
  /** Real milliseconds for a whole fleet to enrol and start listening. */
  readyTimeoutMs: number;
}

export type PushTransport = 'polling' | 'mqtt';

export interface SimulatorMemoryRound {
  transport: PushTransport;
  agents: number;
  /** Real seconds from startFleet until every agent was enrolled, synced and listening. */
  bringUpSeconds: number;
  /** The fleet process after a full garbage collection, before startFleet. */
  before: NodeMemory;
  /** The same process once every agent listens, after a full garbage collection. */
  withFleet: NodeMemory;
  rssPerAgentBytes: number;
  heapPerAgentBytes: number;
  /** The fleet's status line once it was ready. */
  statusLine: string;
}

export interface SimulatorMemoryResult {
  speed: number;
  rounds: SimulatorMemoryRound[];
}

// Two fleets in one process would share code and warmed-up pools, so every
// round gets a fresh fleet process and a fresh Outpost.
const TRANSPORTS: readonly PushTransport[] = ['polling', 'mqtt'];
// Seeds differ per round, so no device id of one round enrols again in another.
const FIRST_SEED = 7_000;
// Starting the fleet waits for every agent, so the request may take as long as the ready timeout.
const START_REQUEST_MARGIN_MS = 30_000;

/** Runs benchmark g: one fleet per agent count and push transport. */
export async function runSimulatorMemory(run: RunContext, options: SimulatorMemoryOptions): Promise<SimulatorMemoryResult> {
  const rounds: SimulatorMemoryRound[] = [];
  let seed = FIRST_SEED;
  for (const agents of options.agentCounts) {
    for (const transport of TRANSPORTS) {
      seed += 1;
      const round = await measureFleet(run, transport, agents, seed, options);
      run.log(
        `simulator memory, ${agents} ${transport} agents: ${(round.rssPerAgentBytes / 1024).toFixed(1)} KiB RSS per agent, ` +
          `up in ${round.bringUpSeconds.toFixed(1)} s`,
      );
      rounds.push(round);
    }
  }
  return { speed: options.speed, rounds };
}

async function measureFleet(
  run: RunContext,
  transport: PushTransport,
  agents: number,
  seed: number,
  options: SimulatorMemoryOptions,
): Promise<SimulatorMemoryRound> {
  const dataDir = run.folder(`sim-${transport}-${agents}`);
  let outpost: OutpostChild | null = null;
  let fleet: BenchChild<{ pid: number }> | null = null;
  try {
    outpost = await startOutpost(`outpost (${agents} simulated ${transport} agents)`, dataDir, {
      OUTPOST_MQTT_MODE: 'embedded',
      OUTPOST_MQTT_HOST: '127.0.0.1',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_AGENT_SECRET: DEFAULT_AGENT_SECRET,
    });
    const mqttPort = outpost.ready.mqttPort;
    if (mqttPort === null) throw new Error('Outpost started without its embedded MQTT broker.');
    const qr = await enrolmentQr(outpost.ready.url, transport);

    fleet = await BenchChild.start<{ pid: number }>(`simulator (${agents} ${transport} agents)`, 'servers/simulator-fleet.js', {
      execArgv: ['--expose-gc'],
    });
    const before = await fleet.request<NodeMemory>('memory');
    const request: FleetStartRequest = {
      qr,
      count: agents,
      speed: options.speed,
      seed,
      serverUrl: outpost.ready.url,
      mqttPort,
      readyTimeoutMs: options.readyTimeoutMs,
    };
    const started = await fleet.request<FleetStartResult>('start', request, options.readyTimeoutMs + START_REQUEST_MARGIN_MS);
    if (transport === 'polling') {
      // An agent counts as listening once its poll is sent, a moment before Outpost registers it.
      const server = outpost;
      await waitUntil(
        async () => (await openLongPolls(server)) === agents,
        options.readyTimeoutMs,
        async () => `Outpost holds ${await openLongPolls(server)} of ${agents} long polls`,
      );
    }
    const withFleet = await fleet.request<NodeMemory>('memory');

    return {
      transport,
      agents,
      bringUpSeconds: started.bringUpSeconds,
      before,
      withFleet,
      rssPerAgentBytes: (withFleet.rss - before.rss) / agents,
      heapPerAgentBytes: (withFleet.heapUsed - before.heapUsed) / agents,
      statusLine: started.statusLine,
    };
  } finally {
    await fleet?.stop();
    await outpost?.stop();
  }
}

/**
 * Creates a policy with the given push transport and an enrolment token for
 * it through the admin API, and returns the QR admin extras the simulator
 * reads. The QR names no agent APK, so no upload is needed and the fleet
 * skips the APK download that provisioning would do once per fleet.
 */
async function enrolmentQr(baseUrl: string, transport: PushTransport): Promise<unknown> {
  const session = await AdminSession.signIn(baseUrl);
  const pushMode = transport === 'polling' ? 'polling' : 'mqttWorker';
  const policy = await session.post<{ id: string }>('/policies', { name: `Simulator ${transport}`, settings: { pushMode } });
  const token = await session.post<{ id: string }>('/enrolment/tokens', { policyId: policy.id });
  return {
    'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
      'com.hmdm.BASE_URL': new URL(baseUrl).origin,
      'com.hmdm.SERVER_PROJECT': '',
      'com.hmdm.CONFIG': token.id,
    },
  };
}

const KIB = 1024;
const MIB = 2 ** 20;

/** Renders benchmark g as a Markdown section of the run report. */
export function renderSimulatorMemory(result: SimulatorMemoryResult): string {
  const lines = [
    '### g. Simulator memory',
    '',
    `One fleet process per row, at speed ${result.speed}; memory after a full GC, once every agent listens.`,
    '',
    '| Push | Agents | Bring-up s | RSS before MiB | RSS with fleet MiB | RSS per agent KiB | Heap per agent KiB |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const round of result.rounds) {
    lines.push(
      `| ${round.transport} | ${round.agents} | ${round.bringUpSeconds.toFixed(1)} | ${(round.before.rss / MIB).toFixed(0)} | ` +
        `${(round.withFleet.rss / MIB).toFixed(0)} | ${(round.rssPerAgentBytes / KIB).toFixed(1)} | ${(round.heapPerAgentBytes / KIB).toFixed(1)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
