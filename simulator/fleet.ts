import { randomInt } from 'node:crypto';

import { DEFAULT_AGENT_PACKAGE, DEFAULT_AGENT_SECRET } from './agent-constants.js';
import type { AgentFaults, FleetEnvironment } from './agent-calls.js';
import { SimulatedAgent } from './agent.js';
import { SimClock } from './clock.js';
import { createDeviceProfile } from './device-profile.js';
import { FleetHttp } from './http-client.js';
import { provisionAgentApp } from './provisioning.js';
import { parseProvisioningJson, QrError } from './qr-extras.js';
import { SeededRandom } from './random.js';
import { ServerUrls } from './server-urls.js';
import { statusLine, summarize, type FleetStats } from './stats.js';

export interface FleetOptions {
  /** The provisioning JSON of the QR code, parsed. */
  qr: unknown;
  count: number;
  /** Simulated time runs this many times faster than real time. */
  speed: number;
  /** Replaces the QR's base URL, e.g. when the public URL is not reachable from here. */
  serverUrl?: string;
  /** Seed of serials, IMEIs, models and locations. Random when absent. */
  seed?: number;
  /** REQUEST_SIGNATURE of the simulated agent build. */
  secret?: string;
  /** Real milliseconds over which agent starts are spread. */
  rampMs?: number;
  /** Sockets for calls other than the long poll. */
  maxConnections?: number;
  faults?: AgentFaults;
  /** MQTT broker port compiled into the simulated agent build; 31000 when absent. */
  mqttPort?: number;
}

export interface Fleet {
  readonly agents: readonly SimulatedAgent[];
  readonly seed: number;
  stats(): FleetStats;
  /** Simulated milliseconds since the fleet started. */
  simulatedElapsedMs(): number;
  /** The one-line summary the CLI prints. */
  statusLine(): string;
  stop(): Promise<void>;
  /** Resolves once the predicate is true, or rejects with the fleet status after timeoutMs. */
  waitFor(predicate: (fleet: Fleet) => boolean, timeoutMs: number): Promise<void>;
}

// 32 sockets carry about 1,000 device-info reports a second on loopback,
// while one server's accept queue and file descriptors stay small.
const DEFAULT_MAX_CONNECTIONS = 32;
// Starting agents 10 ms apart spreads the enrolments. The cap starts big fleets within 10 s.
const RAMP_MS_PER_AGENT = 10;
const MAX_DEFAULT_RAMP_MS = 10_000;
const WAIT_FOR_CHECK_MS = 50;

/**
 * Starts `count` simulated agents in this process, all provisioned from the
 * same QR code. Throws QrError for an unusable QR and ProvisioningError when
 * the agent APK named in the QR cannot be fetched or does not match it.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  if (!Number.isInteger(options.count) || options.count < 1) {
    throw new Error(`Invalid agent count ${options.count}: expected a whole number of at least 1.`);
  }
  if (options.maxConnections !== undefined && (!Number.isInteger(options.maxConnections) || options.maxConnections < 1)) {
    throw new Error(`Invalid maxConnections ${options.maxConnections}: expected a whole number of at least 1.`);
  }
  if (options.rampMs !== undefined && (!Number.isFinite(options.rampMs) || options.rampMs < 0)) {
    throw new Error(`Invalid rampMs ${options.rampMs}: expected a number of milliseconds of 0 or more.`);
  }
  const clock = new SimClock(options.speed);
  const seed = options.seed ?? randomInt(2 ** 31);
  const settings = parseProvisioningJson(options.qr, DEFAULT_AGENT_PACKAGE);
  const urls = new ServerUrls(settings, options.serverUrl ? originOf(options.serverUrl) : null);
  const http = new FleetHttp({
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    // Each agent keeps one long poll open, and a few spare sockets cover reconnects.
    maxPollConnections: options.count + 8,
  });

  const provisioning = new AbortController();
  let env: FleetEnvironment;
  try {
    env = {
      http,
      clock,
      urls,
      settings,
      secret: options.secret ?? DEFAULT_AGENT_SECRET,
      provisionedAgent: await provisionAgentApp(http, urls, settings, provisioning.signal),
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.mqttPort ? { mqttPort: options.mqttPort } : {}),
    };
  } catch (error) {
    await http.close();
    throw error;
  }

  const rampMs = options.rampMs ?? Math.min(options.count * RAMP_MS_PER_AGENT, MAX_DEFAULT_RAMP_MS);
  const startOrder = new SeededRandom(seed);
  const agents: SimulatedAgent[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const random = SeededRandom.derive(seed, index);
    const agent = new SimulatedAgent(index, env, createDeviceProfile(random, seed, index), random);
    agent.start(startOrder.between(0, rampMs) * clock.speed);
    agents.push(agent);
  }

  let stopped: Promise<void> | null = null;
  const fleet: Fleet = {
    agents,
    seed,
    stats: () => summarize(agents),
    simulatedElapsedMs: () => clock.elapsed(),
    statusLine: () => statusLine(summarize(agents)),
    stop() {
      stopped ??= Promise.all(agents.map((agent) => agent.stop())).then(() => http.close());
      return stopped;
    },
    waitFor: (predicate, timeoutMs) => waitFor(fleet, predicate, timeoutMs),
  };
  return fleet;
}

async function waitFor(fleet: Fleet, predicate: (fleet: Fleet) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(fleet)) {
    if (Date.now() > deadline) {
      throw new Error(`The fleet did not reach the expected state within ${timeoutMs} ms: ${fleet.statusLine()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_FOR_CHECK_MS));
  }
}

function originOf(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new QrError(`Invalid server URL "${serverUrl}": expected an absolute URL such as http://127.0.0.1:8080.`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new QrError(
      `Invalid server URL "${serverUrl}": give only scheme, host and port; the project path comes from the QR.`,
    );
  }
  return url.origin;
}
