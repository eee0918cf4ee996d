// Benchmark c: bytes on the wire per idle phone per 30 days, measured at
// the TCP socket under TLS, with session resumption. It compares Outpost's
// defaults with the reference server's defaults, which Outpost emulates
// with a 60-second poll hold and no compression.

import { gunzipSync, gzipSync } from 'node:zlib';

import { AgentConnection, type Exchange, type WireBytes } from './lib/agent-connection.js';
import { ACCEPT_GZIP_LINE, agentRequestText, deviceInfoTemplate, fillDeviceInfo, type AgentCall } from './lib/agent-requests.js';
import { deviceIdOf, modelOf } from './lib/fleet-shape.js';
import { startOutpost, type OutpostChild } from './lib/outpost-child.js';
import type { FleetCopy, RunContext } from './lib/run-context.js';
import { createCertificateChain, SERVER_NAME, type CertificateChain } from './lib/tls-certificates.js';
import { TlsTerminator } from './lib/tls-terminator.js';
import { projectMonth, type MeasuredCosts, type MonthlyProjection } from './wire-model.js';

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

export interface WireBytesResult {
  outpost: VariantResult;
  reference: VariantResult;
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

  run.log('wire bytes: measuring both variants, each poll held for its full hold time');
  const [outpost, reference] = await Promise.all([
    measureVariant('outpost', await run.fleet(fleetShape), { ...holdSettings.outpost, ...publicUrl }, certificates),
    measureVariant('reference', await run.fleet(fleetShape), { ...holdSettings.reference, ...publicUrl }, certificates),
  ]);

  const ratio = (pick: (month: MonthlyProjection) => number) => pick(outpost.month) / pick(reference.month);
  const compression = estimateCompression(outpost, reference);
  return {
    outpost,
    reference,
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
): Promise<VariantResult> {
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
