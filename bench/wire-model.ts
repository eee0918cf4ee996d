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

/**
 * The agent's MQTT behaviour (Paho mqttv3 1.2.0 in the open-source agent).
 * In mqttAlarm mode the keep-alive is the configuration's keepaliveTime,
 * which Outpost sets to 300 s by default; mqttWorker mode uses a fixed
 * 900 s. An idle client sends one PINGREQ per keep-alive interval. After a
 * lost connection the agent reconnects and subscribes again.
 */
export const MQTT_AGENT = {
  keepAliveSeconds: 300,
  workerKeepAliveSeconds: 900,
  // NOTE: how often a phone's broker connection drops depends on the mobile
  // network (carrier NAT timeouts, cell changes). One drop a day is an
  // assumption; the report also gives the month with one per keep-alive.
  reconnectsPerDay: 1,
} as const;

/** Bytes of each MQTT-mode event: the broker connection, plus the HTTP calls the agent still makes. */
export interface MqttMeasuredCosts {
  transport: 'tcp' | 'tls';
  keepAliveSeconds: number;
  /** The HTTP events of the long-poll measurement; its poll is not used in MQTT mode. */
  http: MeasuredCosts;
  /** TLS handshakes of the broker connection, zero over plain TCP. */
  mqttFullHandshake: WireBytes;
  mqttResumedHandshake: WireBytes;
  /** CONNECT, CONNACK, SUBSCRIBE and SUBACK of the first connection, with no stored session. */
  mqttConnect: WireBytes;
  /** The same on a reconnect, when the broker has kept the session. */
  mqttReconnect: WireBytes;
  /** PINGREQ and PINGRESP. */
  mqttPing: WireBytes;
  /** A configUpdated PUBLISH at QoS 2 with PUBREC, PUBREL and PUBCOMP. */
  mqttMessage: WireBytes;
}

export type MqttEvent =
  | 'config'
  | 'logRules'
  | 'deviceInfo'
  | 'fullHandshake'
  | 'resumedHandshake'
  | 'close'
  | 'mqttFullHandshake'
  | 'mqttResumedHandshake'
  | 'mqttConnect'
  | 'mqttReconnect'
  | 'mqttPing'
  | 'mqttMessage';

export type MqttCategory = 'agentRequests' | 'outpostAnswers' | 'connections' | 'mqtt';

export interface MqttProjectionLine {
  event: MqttEvent;
  count: number;
  perEvent: WireBytes;
  total: WireBytes;
}

export interface MqttMonthlyProjection {
  transport: MqttMeasuredCosts['transport'];
  keepAliveSeconds: number;
  reconnects: number;
  lines: MqttProjectionLine[];
  /** Bytes by cause; they add up to `total`. */
  byCategory: Record<MqttCategory, number>;
  total: number;
  up: number;
  down: number;
}

/**
 * Counts each event of the period in MQTT mode. The HTTP cadence is the
 * long-poll mode's without polls, so each 15-minute burst opens the only
 * HTTP connection. An idle phone receives no push message.
 */
export function mqttEventCounts(keepAliveSeconds: number, reconnects = DAYS * MQTT_AGENT.reconnectsPerDay) {
  const syncs = HOURS * AGENT_CADENCE.configSyncsPerHour;
  const periodicReports = HOURS * AGENT_CADENCE.periodicReportsPerHour;
  return {
    syncs,
    reports: syncs + periodicReports,
    httpConnections: syncs + periodicReports,
    reconnects,
    pings: Math.floor(SECONDS / keepAliveSeconds),
    messages: 0,
  };
}

/**
 * Projects MQTT-mode costs onto the period. `reconnects` defaults to the
 * assumed one drop a day; every reconnect after the first connection
 * resumes its TLS session.
 */
export function projectMqttMonth(costs: MqttMeasuredCosts, reconnects?: number): MqttMonthlyProjection {
  const counts = mqttEventCounts(costs.keepAliveSeconds, reconnects);
  const tls = costs.transport === 'tls';
  const http = costs.http;
  const events: Array<[MqttEvent, number, WireBytes, MqttCategory | null]> = [
    ['config', counts.syncs, http.config, null],
    ['logRules', counts.syncs, http.logRules, null],
    ['deviceInfo', counts.reports, http.deviceInfo, null],
    ['fullHandshake', CONNECTION_MODEL.fullHandshakes, http.fullHandshake, 'connections'],
    ['resumedHandshake', counts.httpConnections - CONNECTION_MODEL.fullHandshakes, http.resumedHandshake, 'connections'],
    ['close', counts.httpConnections, http.close, 'connections'],
    ['mqttFullHandshake', tls ? 1 : 0, costs.mqttFullHandshake, 'mqtt'],
    ['mqttResumedHandshake', tls ? counts.reconnects : 0, costs.mqttResumedHandshake, 'mqtt'],
    ['mqttConnect', 1, costs.mqttConnect, 'mqtt'],
    ['mqttReconnect', counts.reconnects, costs.mqttReconnect, 'mqtt'],
    ['mqttPing', counts.pings, costs.mqttPing, 'mqtt'],
    ['mqttMessage', counts.messages, costs.mqttMessage, 'mqtt'],
  ];

  const byCategory: Record<MqttCategory, number> = { agentRequests: 0, outpostAnswers: 0, connections: 0, mqtt: 0 };
  const lines = events.map(([event, count, perEvent, category]) => {
    const total = { up: perEvent.up * count, down: perEvent.down * count };
    if (category === null) {
      // A request is the agent's; its response is Outpost's.
      byCategory.agentRequests += total.up;
      byCategory.outpostAnswers += total.down;
    } else {
      byCategory[category] += total.up + total.down;
    }
    return { event, count, perEvent, total };
  });

  const up = lines.reduce((sum, line) => sum + line.total.up, 0);
  const down = lines.reduce((sum, line) => sum + line.total.down, 0);
  return {
    transport: costs.transport,
    keepAliveSeconds: costs.keepAliveSeconds,
    reconnects: counts.reconnects,
    lines,
    byCategory,
    total: up + down,
    up,
    down,
  };
}
