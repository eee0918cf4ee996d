// Benchmark c: bytes on the wire per idle phone per 30 days, measured at
// the TCP socket under TLS, with session resumption. It compares Outpost's
// defaults with the reference server's defaults, which Outpost emulates
// with a 60-second poll hold and no compression. Outpost is also measured
// in MQTT push mode (wire-bytes-mqtt.ts).

import { gunzipSync, gzipSync } from 'node:zlib';

import { AdminSession } from './lib/admin-session.js';
import { AgentConnection, type Exchange, type WireBytes } from './lib/agent-connection.js';
import { ACCEPT_GZIP_LINE, agentRequestText, deviceInfoTemplate, fillDeviceInfo, type AgentCall } from './lib/agent-requests.js';
import { deviceIdOf, modelOf } from './lib/fleet-shape.js';
import { startOutpost, type OutpostChild } from './lib/outpost-child.js';
import type { FleetCopy, RunContext } from './lib/run-context.js';
import { createCertificateChain, SERVER_NAME, type CertificateChain } from './lib/tls-certificates.js';
import { TlsTerminator } from './lib/tls-terminator.js';
import { DEFAULT_AGENT_SECRET } from '../simulator/agent-constants.js';
import { measureMqttTransports, type ReceivedPush } from './wire-bytes-mqtt.js';
import {
  DAYS,
  MQTT_AGENT,
  projectMonth,
  projectMqttMonth,
  type MeasuredCosts,
  type MonthlyProjection,
  type MqttMeasuredCosts,
  type MqttMonthlyProjection,
} from './wire-model.js';

export interface WireBytesOptions {
  /** Poll hold of the Outpost variant; null keeps Outpost's default. */
  outpostHoldSeconds: number | null;
  /** Poll hold of the reference variant: the reference server's default is 60 s. */
  referenceHoldSeconds: number;
}

/** Sizes of one response body, raw and gzip-compressed. */
export interface AnswerBody {
  call: AgentCall;
  bytes: number;
  gzipBytes: number;
  /** Whether the response already came gzipped. */
  compressed: boolean;
}

export interface VariantResult {
  name: 'outpost' | 'reference';
  costs: MeasuredCosts;
  /** A second, resumed connection made the same calls; its bytes must match the first's. */
  repeatedCallsMatch: boolean;
  resumed: boolean;
  pollSeconds: number;
  answers: AnswerBody[];
  month: MonthlyProjection;
  /** The same month if no session were ever resumed (a full handshake per connection). */
  monthWithoutResumption: MonthlyProjection;
}

/** Outpost in MQTT push mode: the broker connection plain (as the stock agent connects) and under TLS. */
export interface MqttWireResult {
  tcp: MqttMeasuredCosts;
  tls: MqttMeasuredCosts;
  /** True when the TLS reconnect resumed its session. */
  tlsResumed: boolean;
  push: ReceivedPush;
  /** Months at the agent's default keep-alive and the assumed reconnects. */
  month: Record<'tcp' | 'tls', MqttMonthlyProjection>;
  /** The plain-TCP month in mqttWorker mode, whose keep-alive is fixed at 900 s. */
  monthWorkerKeepAlive: MqttMonthlyProjection;
  /** Months if the connection dropped once per keep-alive interval, as behind a short carrier NAT timeout. */
  monthReconnectEachKeepAlive: Record<'tcp' | 'tls', MqttMonthlyProjection>;
  /** MQTT-mode months over the reference defaults' month (long polling, 60 s hold). */
  ratio: Record<'tcp' | 'tls', number>;
}

export interface WireBytesResult {
  outpost: VariantResult;
  reference: VariantResult;
  mqtt: MqttWireResult;
  /** Outpost's month over the reference's, in total and by cause. */
  ratio: { total: number; longPolls: number; connections: number; agentRequests: number; outpostAnswers: number };
  compression: CompressionEstimate;
}

/**
 * Estimate, from the measured bodies, of the bytes gzip on Outpost's
 * responses would save: the body shrinks, and two header lines are added.
 */
export interface CompressionEstimate {
  /** Responses at least this large would be compressed, as @fastify/compress does by default. */
  thresholdBytes: number;
  savedBytesPerMonth: number;
  totalWithCompression: number;
  ratioWithCompression: number;
}

const DEVICE_NUMBER = 1;
const DAYS_SECONDS = DAYS * 24 * 3600;
// "Content-Encoding: gzip" and "Vary: Accept-Encoding" header lines.
const COMPRESSION_HEADER_BYTES = 'Content-Encoding: gzip\r\n'.length + 'Vary: Accept-Encoding\r\n'.length;
const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * Outpost gzips config responses and signs only those, so it no longer
 * behaves as the reference server does. The reference variant's phone
 * therefore leaves out Accept-Encoding, which keeps every response
 * uncompressed. The model then adds back the plaintext bytes of that
 * request line and of the X-Response-Signature line that the reference
 * server's sync resource puts on device-report responses. TLS frames per
 * record, not per byte, so these sums are exact.
 */
const ACCEPT_GZIP_LINE_BYTES = `${ACCEPT_GZIP_LINE}\r\n`.length;
const SIGNATURE_LINE_BYTES = `X-Response-Signature: ${'0'.repeat(40)}\r\n`.length;
/**
 * Outpost leaves the connection lines off its agent responses; Node sent
 * them on every response before, and the emulated reference keeps them.
 * 65 s is Outpost's keepAliveTimeout in src/app.ts.
 */
const CONNECTION_LINES_BYTES = 'Connection: keep-alive\r\nKeep-Alive: timeout=65\r\n'.length;
// Margin over the hold before a poll without a response counts as failed.
const POLL_TIMEOUT_MARGIN_MS = 30_000;

/** Runs benchmark c. The poll is held for the real hold time, so a full run waits about four minutes here. */
export async function runWireBytes(run: RunContext, options: WireBytesOptions): Promise<WireBytesResult> {
  const certificates = createCertificateChain(run.folder('tls'));
  const fleetShape = { devices: 10, policies: 1, locationsPerDevice: 1 };
  const holdSettings: Record<VariantResult['name'], Record<string, string>> = {
    outpost: options.outpostHoldSeconds === null ? {} : { OUTPOST_LONG_POLL_HOLD_SECONDS: String(options.outpostHoldSeconds) },
    reference: { OUTPOST_LONG_POLL_HOLD_SECONDS: String(options.referenceHoldSeconds) },
  };
  // Phones reach Outpost over HTTPS, which makes Outpost add
  // Strict-Transport-Security to its responses and https:// app URLs to
  // configurations, as in a deployment.
  const publicUrl = { BENCH_PUBLIC_URL: `https://${SERVER_NAME}` };
  // Outpost runs its embedded broker too, for the MQTT half after the poll.
  const broker = {
    OUTPOST_MQTT_MODE: 'embedded',
    OUTPOST_MQTT_HOST: '127.0.0.1',
    OUTPOST_MQTT_PORT: '0',
    OUTPOST_AGENT_SECRET: DEFAULT_AGENT_SECRET,
  };

  run.log('wire bytes: measuring both variants, each poll held for its full hold time, then MQTT');
  const [measured, reference] = await Promise.all([
    measureVariant('outpost', await run.fleet(fleetShape), { ...holdSettings.outpost, ...publicUrl, ...broker }, certificates),
    measureVariant('reference', await run.fleet(fleetShape), { ...holdSettings.reference, ...publicUrl }, certificates),
  ]);
  const { mqtt: mqttCosts, ...outpost } = measured;
  if (!mqttCosts) throw new Error('The Outpost variant measured no MQTT connection.');

  const ratio = (pick: (month: MonthlyProjection) => number) => pick(outpost.month) / pick(reference.month);
  const compression = estimateCompression(outpost, reference);
  return {
    outpost,
    reference,
    mqtt: summariseMqtt(mqttCosts, reference.month.total),
    ratio: {
      total: ratio((month) => month.total),
      longPolls: ratio((month) => month.byCategory.longPolls),
      connections: ratio((month) => month.byCategory.connections),
      agentRequests: ratio((month) => month.byCategory.agentRequests),
      outpostAnswers: ratio((month) => month.byCategory.outpostAnswers),
    },
    compression,
  };
}

async function measureVariant(
  name: VariantResult['name'],
  fleet: FleetCopy,
  env: Record<string, string>,
  certificates: CertificateChain,
): Promise<VariantResult & { mqtt?: Awaited<ReturnType<typeof measureMqttTransports>> }> {
  let outpost: OutpostChild | null = null;
  let terminator: TlsTerminator | null = null;
  try {
    outpost = await startOutpost(`outpost (${name} wire bytes)`, fleet.dataDir, env);
    terminator = await TlsTerminator.start(certificates, new URL(outpost.ready.url));
    const holdSeconds = outpost.ready.longPollHoldSeconds;
    const tls = terminator;
    const open = (session: Buffer | null) =>
      AgentConnection.open({ port: tls.port, serverName: SERVER_NAME, ca: certificates.root, session });
    const close = (connection: AgentConnection) => connection.closedByServer(() => tls.closeClient(connection.localPort));

    // First contact: a full handshake, then a sync burst.
    const first = await open(null);
    const withoutGzip = name === 'reference';
    const firstBurst = await syncBurst(first, withoutGzip);
    const firstClose = await close(first);

    // A later sync burst on a resumed session: the steady state.
    const second = await open(first.session);
    const burst = await syncBurst(second, withoutGzip);
    const secondClose = await close(second);

    // The poll connection: one poll held until the server sends an empty response.
    const pollConnection = await open(second.session ?? first.session);
    const poll = await call(pollConnection, 'poll', withoutGzip, holdSeconds * 1000 + POLL_TIMEOUT_MARGIN_MS);
    const pollBody = JSON.parse(bodyText(poll)) as { status?: string; data?: unknown[] };
    if (poll.response.status !== 200 || pollBody.status !== 'OK' || (pollBody.data ?? []).length !== 0) {
      throw new Error(`The ${name} poll did not return an empty list: HTTP ${poll.response.status} ${poll.response.body.toString('utf8')}`);
    }
    await close(pollConnection);

    // After the poll, because the policy save that sends the MQTT push would also end a held poll.
    const brokerPort = outpost.ready.mqttPort;
    const mqtt =
      brokerPort === null
        ? undefined
        : await measureMqttTransports({
            brokerPort,
            deviceId: deviceIdOf(DEVICE_NUMBER),
            agentSecret: DEFAULT_AGENT_SECRET,
            sendPush: await policySave(outpost.ready.url, fleet),
            certificates,
            http: httpCostsWithoutPoll(burst, first, second, secondClose),
          });

    const costs: MeasuredCosts = {
      holdSeconds,
      fullHandshake: first.handshake,
      resumedHandshake: second.handshake,
      close: secondClose,
      config: bytesOf(burst.config),
      logRules: bytesOf(burst.logRules),
      deviceInfo: bytesOf(burst.deviceInfo),
      poll: bytesOf(poll),
    };
    if (withoutGzip) addReferenceLines(costs);
    return {
      mqtt,
      name,
      costs,
      repeatedCallsMatch: sameBytes(firstBurst, burst) && sameWireBytes(firstClose, secondClose),
      resumed: second.resumed && pollConnection.resumed,
      pollSeconds: poll.seconds,
      answers: [burst.config, burst.logRules, burst.deviceInfo, poll].map((exchange, index) => ({
        call: (['config', 'logRules', 'deviceInfo', 'poll'] as const)[index] as AgentCall,
        bytes: Buffer.byteLength(bodyText(exchange)),
        gzipBytes: gzipSync(bodyText(exchange)).length,
        compressed: exchange.response.headers.get('content-encoding') === 'gzip',
      })),
      month: projectMonth(costs),
      monthWithoutResumption: projectMonth(costs, false),
    };
  } finally {
    await terminator?.close();
    await outpost?.stop();
    fleet.remove();
  }
}

type Burst = Record<'config' | 'logRules' | 'deviceInfo', Exchange>;

/** Sends the calls of a configuration sync: the config, the log rules, then a device report. */
async function syncBurst(connection: AgentConnection, withoutGzip: boolean): Promise<Burst> {
  const config = await call(connection, 'config', withoutGzip);
  const configBody = JSON.parse(bodyText(config)) as { status?: string };
  if (configBody.status !== 'OK') throw new Error(`Config sync returned ${bodyText(config)}`);
  return {
    config,
    logRules: await call(connection, 'logRules', withoutGzip),
    deviceInfo: await call(connection, 'deviceInfo', withoutGzip),
  };
}

function call(connection: AgentConnection, agentCall: AgentCall, withoutGzip: boolean, timeoutMs?: number): Promise<Exchange> {
  const deviceId = deviceIdOf(DEVICE_NUMBER);
  const deviceInfoBody = fillDeviceInfo(deviceInfoTemplate(), deviceId, DEVICE_NUMBER, Date.now());
  const text = agentRequestText(agentCall, {
    host: SERVER_NAME,
    deviceId,
    cpu: modelOf(DEVICE_NUMBER).cpu,
    deviceInfoBody,
    withoutGzip,
  });
  return connection.exchange(text, timeoutMs);
}

/** Returns a response body as text, decompressed when it came gzipped. */
function bodyText(exchange: Exchange): string {
  const body = exchange.response.headers.get('content-encoding') === 'gzip' ? gunzipSync(exchange.response.body) : exchange.response.body;
  return body.toString('utf8');
}

/** Adds the request and response lines the reference server's exchanges have and the measured ones lack. */
function addReferenceLines(costs: MeasuredCosts): void {
  for (const event of ['config', 'logRules', 'deviceInfo', 'poll'] as const) {
    costs[event] = { ...costs[event], up: costs[event].up + ACCEPT_GZIP_LINE_BYTES };
  }
  costs.deviceInfo = { ...costs.deviceInfo, down: costs.deviceInfo.down + SIGNATURE_LINE_BYTES };
  for (const event of ['config', 'logRules', 'deviceInfo', 'poll'] as const) {
    costs[event] = { ...costs[event], down: costs[event].down + CONNECTION_LINES_BYTES };
  }
}

/** Returns the HTTP costs of MQTT mode: the long-poll measurement's, without the poll. */
function httpCostsWithoutPoll(burst: Burst, first: AgentConnection, second: AgentConnection, close: WireBytes): MeasuredCosts {
  return {
    holdSeconds: 0,
    fullHandshake: first.handshake,
    resumedHandshake: second.handshake,
    close,
    config: bytesOf(burst.config),
    logRules: bytesOf(burst.logRules),
    deviceInfo: bytesOf(burst.deviceInfo),
    poll: { up: 0, down: 0 },
  };
}

/** Returns a function that saves the fleet's policy in the console, which sends configUpdated to its devices. */
async function policySave(outpostUrl: string, fleet: FleetCopy): Promise<() => Promise<void>> {
  const policyId = fleet.policyIds[0];
  if (!policyId) throw new Error('The seeded fleet has no policy.');
  const session = await AdminSession.signIn(outpostUrl);
  return () => session.changePolicy(policyId);
}

function summariseMqtt(measured: Awaited<ReturnType<typeof measureMqttTransports>>, referenceTotal: number): MqttWireResult {
  const { tcp, tls } = measured;
  const messageType = (JSON.parse(tcp.push.payload) as { messageType?: string }).messageType;
  if (messageType !== 'configUpdated' || tcp.push.qos !== 2) {
    throw new Error(`The MQTT push was ${tcp.push.payload} at QoS ${tcp.push.qos}, expected configUpdated at QoS 2.`);
  }
  const month = { tcp: projectMqttMonth(tcp.costs), tls: projectMqttMonth(tls.costs) };
  const dropsEachKeepAlive = (costs: MqttMeasuredCosts) => projectMqttMonth(costs, Math.floor((DAYS_SECONDS) / costs.keepAliveSeconds));
  return {
    tcp: tcp.costs,
    tls: tls.costs,
    tlsResumed: tls.resumed,
    push: tcp.push,
    month,
    monthWorkerKeepAlive: projectMqttMonth({ ...tcp.costs, keepAliveSeconds: MQTT_AGENT.workerKeepAliveSeconds }),
    monthReconnectEachKeepAlive: { tcp: dropsEachKeepAlive(tcp.costs), tls: dropsEachKeepAlive(tls.costs) },
    ratio: { tcp: month.tcp.total / referenceTotal, tls: month.tls.total / referenceTotal },
  };
}

function bytesOf(exchange: Exchange): WireBytes {
  return { up: exchange.up, down: exchange.down };
}

function sameWireBytes(a: WireBytes, b: WireBytes): boolean {
  return a.up === b.up && a.down === b.down;
}

function sameBytes(a: Burst, b: Burst): boolean {
  return (['config', 'logRules', 'deviceInfo'] as const).every((key) => sameWireBytes(bytesOf(a[key]), bytesOf(b[key])));
}

function estimateCompression(outpost: VariantResult, reference: VariantResult): CompressionEstimate {
  let saved = 0;
  for (const answer of outpost.answers) {
    if (answer.compressed || answer.bytes < COMPRESSION_THRESHOLD_BYTES) continue;
    const perAnswer = answer.bytes - answer.gzipBytes - COMPRESSION_HEADER_BYTES;
    const line = outpost.month.lines.find((entry) => entry.event === answer.call);
    if (line && perAnswer > 0) saved += perAnswer * line.count;
  }
  const total = outpost.month.total - saved;
  return {
    thresholdBytes: COMPRESSION_THRESHOLD_BYTES,
    savedBytesPerMonth: saved,
    totalWithCompression: total,
    ratioWithCompression: total / reference.month.total,
  };
}
