// Child process running one simulator fleet for the simulator-memory
// benchmark, so that its memory is the fleet's alone. The parent requests
// the memory before and after `start`, and the child runs with --expose-gc.

import { startFleet, type Fleet } from '../../simulator/index.js';
import { announceFailure, announceReady, serveParent } from '../lib/child-ipc.js';
import { measureOwnMemory } from '../lib/process-memory.js';

/** Payload of the `start` request. */
export interface FleetStartRequest {
  qr: unknown;
  count: number;
  speed: number;
  seed: number;
  serverUrl: string;
  mqttPort?: number;
  /** Real milliseconds to wait for every agent to be enrolled, synced and listening for pushes. */
  readyTimeoutMs: number;
}

/** Result of the `start` request. */
export interface FleetStartResult {
  /** Real seconds from startFleet until every agent was ready. */
  bringUpSeconds: number;
  statusLine: string;
}

let fleet: Fleet | null = null;

/** Returns whether every agent enrolled, synced, reported its info once and has a long poll in flight or an MQTT subscription granted. */
function allListening(current: Fleet): boolean {
  return current.agents.every(
    (agent) => agent.enrolled && agent.lastSyncAt !== null && agent.counters.infos >= 1 && agent.listening,
  );
}

async function start(payload: unknown): Promise<FleetStartResult> {
  if (fleet) throw new Error('A fleet is already running in this process.');
  const request = payload as FleetStartRequest;
  const startedAt = performance.now();
  fleet = await startFleet({
    qr: request.qr,
    count: request.count,
    speed: request.speed,
    seed: request.seed,
    serverUrl: request.serverUrl,
    ...(request.mqttPort === undefined ? {} : { mqttPort: request.mqttPort }),
  });
  await fleet.waitFor(allListening, request.readyTimeoutMs);
  return { bringUpSeconds: (performance.now() - startedAt) / 1000, statusLine: fleet.statusLine() };
}

try {
  serveParent(
    {
      memory: () => measureOwnMemory(),
      start,
    },
    async () => {
      await fleet?.stop();
    },
  );
  announceReady({ pid: process.pid });
} catch (error) {
  announceFailure(error);
  process.exit(1);
}
