// The 30-day traffic model of one idle phone: how often each measured
// event happens at the agent's cadence, and the resulting bytes by cause.

import type { WireBytes } from './lib/agent-connection.js';

export const DAYS = 30;
const SECONDS = DAYS * 24 * 3600;
const HOURS = DAYS * 24;

/**
 * The open-source agent's cadence (Headwind MDM agent 6.36). A 15-minute
 * worker starts a full configuration sync when the last one is more than
 * an hour old. The agent fetches the remote-log rules and sends a device
 * report after each sync, and sends a report every 15 minutes as well.
 * After each long-poll response it pauses 5 seconds.
 */
export const AGENT_CADENCE = {
  configSyncsPerHour: 1,
  periodicReportsPerHour: 4,
  pauseAfterPollSeconds: 5,
} as const;

/**
 * Connection reuse. Short calls come in bursts 15 minutes apart, longer
 * than OkHttp's 5-minute idle eviction and nginx's 75-second keep-alive
 * timeout, so each burst opens a connection. The poll connection stays
 * open between polls, but nginx (1.19.10 and later) closes any keep-alive
 * connection after keepalive_time (1 hour) or keepalive_requests (1000
 * requests), whichever comes first.
 */
export const CONNECTION_MODEL = {
  maxConnectionSeconds: 3600,
  maxRequestsPerConnection: 1000,
  /** Full handshakes per period when every later connection resumes a session. */
  fullHandshakes: 1,
} as const;

/** Bytes of each event, measured at the socket for one server configuration. */
export interface MeasuredCosts {
  holdSeconds: number;
  fullHandshake: WireBytes;
  resumedHandshake: WireBytes;
  /** A server-initiated close: both close_notify alerts. */
  close: WireBytes;
  config: WireBytes;
  logRules: WireBytes;
  deviceInfo: WireBytes;
  /** One long poll that gets an empty response at the end of its hold. */
  poll: WireBytes;
}

export type Category = 'agentRequests' | 'outpostAnswers' | 'longPolls' | 'connections';

/** One row of the projection: an event, how often, and its bytes. */
export interface ProjectionLine {
  event: keyof Omit<MeasuredCosts, 'holdSeconds'>;
  count: number;
  perEvent: WireBytes;
  total: WireBytes;
}

export interface MonthlyProjection {
  holdSeconds: number;
  lines: ProjectionLine[];
  /** Bytes by cause; they add up to `total`. */
  byCategory: Record<Category, number>;
  total: number;
  up: number;
  down: number;
}

/** Counts each event of the period for a given long-poll hold. */
export function eventCounts(holdSeconds: number) {
  const syncs = HOURS * AGENT_CADENCE.configSyncsPerHour;
  const periodicReports = HOURS * AGENT_CADENCE.periodicReportsPerHour;
  const polls = Math.floor(SECONDS / (holdSeconds + AGENT_CADENCE.pauseAfterPollSeconds));
  const pollConnections = Math.max(
    Math.ceil(SECONDS / CONNECTION_MODEL.maxConnectionSeconds),
    Math.ceil(polls / CONNECTION_MODEL.maxRequestsPerConnection),
  );
  const connections = syncs + periodicReports + pollConnections;
  return {
    syncs,
    // The agent reports after every sync as well as every 15 minutes.
    reports: syncs + periodicReports,
    polls,
    connections,
    pollConnections,
  };
}

/** Projects the measured per-event bytes onto the period's event counts. */
export function projectMonth(costs: MeasuredCosts, resumption = true): MonthlyProjection {
  const counts = eventCounts(costs.holdSeconds);
  const fullHandshakes = resumption ? CONNECTION_MODEL.fullHandshakes : counts.connections;
  const events: Array<[ProjectionLine['event'], number]> = [
    ['config', counts.syncs],
    ['logRules', counts.syncs],
    ['deviceInfo', counts.reports],
    ['poll', counts.polls],
    ['fullHandshake', fullHandshakes],
    ['resumedHandshake', counts.connections - fullHandshakes],
    ['close', counts.connections],
  ];

  const lines = events.map(([event, count]) => {
    const perEvent = costs[event];
    return { event, count, perEvent, total: { up: perEvent.up * count, down: perEvent.down * count } };
  });

  const byCategory: Record<Category, number> = { agentRequests: 0, outpostAnswers: 0, longPolls: 0, connections: 0 };
  for (const line of lines) {
    if (line.event === 'poll') {
      byCategory.longPolls += line.total.up + line.total.down;
    } else if (line.event === 'config' || line.event === 'logRules' || line.event === 'deviceInfo') {
      byCategory.agentRequests += line.total.up;
      byCategory.outpostAnswers += line.total.down;
    } else {
      byCategory.connections += line.total.up + line.total.down;
    }
  }

  const up = lines.reduce((sum, line) => sum + line.total.up, 0);
  const down = lines.reduce((sum, line) => sum + line.total.down, 0);
  return { holdSeconds: costs.holdSeconds, lines, byCategory, total: up + down, up, down };
}
