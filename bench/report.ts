// Renders a run's results as Markdown tables, with each target's verdict.

import type { ApkDownloadResult } from './apk-download.js';
import type { DeviceListResult } from './device-list.js';
import type { MachineInfo } from './lib/machine.js';
import { formatSpread, type Spread } from './lib/stats.js';
import type { PushFanoutResult } from './push-fanout.js';
import type { MqttFanoutResult } from './push-fanout-mqtt.js';
import { renderSimulatorMemory, type SimulatorMemoryResult } from './simulator-memory.js';
import type { SyncThroughputResult } from './sync-throughput.js';
import { TARGETS, verdict } from './targets.js';
import type { WireBytesResult } from './wire-bytes.js';
import { renderWireMqtt } from './wire-report-mqtt.js';
import { DAYS, type Category } from './wire-model.js';

export interface BenchResults {
  sync?: SyncThroughputResult[];
  push?: PushFanoutResult;
  mqtt?: MqttFanoutResult;
  wire?: WireBytesResult;
  list?: DeviceListResult;
  download?: ApkDownloadResult;
  sim?: SimulatorMemoryResult;
}

export interface BenchRun {
  command: string;
  mode: 'full' | 'smoke';
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  loadAverageAtEnd: number;
  results: BenchResults;
  /** Benchmarks that failed, with their error. */
  errors: Record<string, string>;
}

const MB = 1e6;
const mb = (bytes: number) => (bytes / MB).toFixed(2);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ratio = (value: number) => value.toFixed(3);
const scaled = (spread: Spread, factor: number): Spread => ({
  median: spread.median * factor,
  min: spread.min * factor,
  max: spread.max * factor,
  values: spread.values.map((value) => value * factor),
});

/** Renders the whole run. */
export function renderReport(run: BenchRun): string {
  const m = run.machine;
  const parts = [
    `## Run ${run.startedAt} (${run.mode})`,
    '',
    `- Command: \`${run.command}\``,
    `- Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.kernel}; Node ${m.node}; load generator ${m.loadGenerator}; ${m.nginx ?? 'nginx not installed'}`,
    `- Commit: ${m.commit}; one-minute load average ${m.loadAverageAtStart.toFixed(1)} at start, ${run.loadAverageAtEnd.toFixed(1)} at end`,
    `- Values are "median (min–max)" over the repeats.`,
    '',
  ];
  const results = run.results;
  if (results.sync) parts.push(renderSync(results.sync));
  if (results.push || results.mqtt) parts.push(renderFanout(results.push, results.mqtt));
  if (results.wire) parts.push(renderWire(results.wire));
  if (results.wire?.mqtt) parts.push(renderWireMqtt(results.wire));
  if (results.list) parts.push(renderList(results.list));
  if (results.download) parts.push(renderDownload(results.download));
  if (results.push) parts.push(renderPollMemory(results.push));
  if (results.sim) parts.push(renderSimulatorMemory(results.sim));
  for (const [name, error] of Object.entries(run.errors)) parts.push(`**${name} failed:** ${error.split('\n')[0]}\n`);
  return parts.join('\n');
}

function renderSync(sizes: SyncThroughputResult[]): string {
  const lines = [
    '### a. Config sync and device-info ingest',
    '',
    `Closed-loop load of ${sizes[0]?.connections ?? '?'} connections unless a row says otherwise.`,
    '',
    '| Devices | Route | Requests/s | p99 ms | Ratio to bare GET | Target | Verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const size of sizes) {
    const rps = size.requestsPerSecond;
    const p99 = size.p99Ms;
    lines.push(`| ${size.devices} | bare Fastify GET | ${formatSpread(rps.ceilingGet)} | ${formatSpread(p99.ceilingGet, 1)} | 1 | | |`);
    lines.push(`| ${size.devices} | bare Fastify POST (same body) | ${formatSpread(rps.ceilingPost)} | ${formatSpread(p99.ceilingPost, 1)} | | | |`);
    const config = size.ratioToCeiling.config;
    const info = size.ratioToCeiling.info;
    lines.push(
      `| ${size.devices} | GET configuration | ${formatSpread(rps.config)} | ${formatSpread(p99.config, 1)} | ${formatSpread(config, 3)} | ≥ ${TARGETS.configSyncRatio}, p99 < ${TARGETS.p99Ms} ms | ` +
        `${verdict(config.median, TARGETS.configSyncRatio, 'atLeast')}, p99 ${verdict(p99.config.median, TARGETS.p99Ms, 'below')} |`,
    );
    lines.push(
      `| ${size.devices} | POST sync/info | ${formatSpread(rps.info)} | ${formatSpread(p99.info, 1)} | ${formatSpread(info, 3)} (${formatSpread(size.infoRatioToPostCeiling, 3)} of bare POST) | ≥ ${TARGETS.ingestRatio}, p99 < ${TARGETS.p99Ms} ms | ` +
        `${verdict(info.median, TARGETS.ingestRatio, 'atLeast')}, p99 ${verdict(p99.info.median, TARGETS.p99Ms, 'below')} |`,
    );
    for (const [target, route] of [['configFew', 'GET configuration'], ['infoFew', 'POST sync/info']] as const) {
      lines.push(
        `| ${size.devices} | ${route}, ${size.fewConnections} connections | ${formatSpread(rps[target])} | ${formatSpread(p99[target], 1)} | | p99 < ${TARGETS.p99Ms} ms | ` +
          `p99 ${verdict(p99[target].median, TARGETS.p99Ms, 'below')} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function renderFanout(push: PushFanoutResult | undefined, mqtt: MqttFanoutResult | undefined): string {
  const lines = [
    '### b. Time for one configUpdated to reach every device',
    '',
    '| Transport | Devices | Measured from | Last delivery ms | p50 ms | p99 ms | Target | Verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  if (push) {
    const woken = push.rounds.map((round) => `${round.configUpdated}/${push.devices}`).join(', ');
    lines.push(
      `| long poll | ${push.devices} (woken: ${woken}) | start of the console's policy save | ${formatSpread(push.allDeliveredMs)} | ${formatSpread(push.deliveryP50Ms)} | ` +
        `${formatSpread(push.deliveryP99Ms)} | < ${TARGETS.fanoutMs} ms | ${verdict(push.allDeliveredMs.median, TARGETS.fanoutMs, 'below')} |`,
    );
  }
  if (mqtt) {
    const received = mqtt.rounds.map((round) => `${round.configUpdated}/${mqtt.devices}`).join(', ');
    lines.push(
      `| MQTT (embedded broker, QoS 2) | ${mqtt.devices} (received: ${received}) | start of the console's policy save | ${formatSpread(mqtt.allDeliveredMs)} | ${formatSpread(mqtt.deliveryP50Ms)} | ` +
        `${formatSpread(mqtt.deliveryP99Ms)} | < ${TARGETS.fanoutMs} ms | ${verdict(mqtt.allDeliveredMs.median, TARGETS.fanoutMs, 'below')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const CATEGORY_NAMES: Record<Category, string> = {
  agentRequests: "agent's own requests (config, log rules, device info)",
  outpostAnswers: "Outpost's responses to them",
  longPolls: 'long polls: requests and empty responses at each hold',
  connections: 'TLS set-up (resumed) and closes',
};

function renderWire(wire: WireBytesResult): string {
  const outpost = wire.outpost.month;
  const reference = wire.reference.month;
  const lines = [
    `### c. Bytes per idle phone per ${DAYS} days (TLS, at the socket)`,
    '',
    `| Cause | Outpost (hold ${outpost.holdSeconds} s) MB | Reference defaults (hold ${reference.holdSeconds} s) MB | Ratio |`,
    '|---|---|---|---|',
  ];
  for (const category of Object.keys(CATEGORY_NAMES) as Category[]) {
    const ours = outpost.byCategory[category];
    const theirs = reference.byCategory[category];
    lines.push(`| ${CATEGORY_NAMES[category]} | ${mb(ours)} | ${mb(theirs)} | ${ratio(ours / theirs)} |`);
  }
  lines.push(`| **total** (up / down) | **${mb(outpost.total)}** (${mb(outpost.up)} / ${mb(outpost.down)}) | **${mb(reference.total)}** (${mb(reference.up)} / ${mb(reference.down)}) | **${ratio(wire.ratio.total)}** |`);
  lines.push(
    `| total if no session were resumed | ${mb(wire.outpost.monthWithoutResumption.total)} | ${mb(wire.reference.monthWithoutResumption.total)} | ${ratio(wire.outpost.monthWithoutResumption.total / wire.reference.monthWithoutResumption.total)} |`,
  );
  lines.push('');
  lines.push(
    `Target: Outpost ≤ ${TARGETS.wireRatio} of the reference defaults: total ${verdict(wire.ratio.total, TARGETS.wireRatio, 'atMost')} (${ratio(wire.ratio.total)}); ` +
      `long-poll part alone ${verdict(wire.ratio.longPolls, TARGETS.wireRatio, 'atMost')} (${ratio(wire.ratio.longPolls)}).`,
  );
  lines.push(
    `Compression estimate: gzip on responses of ${wire.compression.thresholdBytes} bytes or more would save ${mb(wire.compression.savedBytesPerMonth)} MB, ` +
      `leaving ${mb(wire.compression.totalWithCompression)} MB (ratio ${ratio(wire.compression.ratioWithCompression)}).`,
  );
  return `${lines.join('\n')}\n\n${renderWireEvents(wire)}`;
}

/** Renders the bytes of each measured event and how often it happens in each variant. */
function renderWireEvents(wire: WireBytesResult): string {
  const outpost = wire.outpost.month;
  const reference = wire.reference.month;
  const lines = ['| Event | Bytes up / down (Outpost) | Per 30 days, Outpost | Per 30 days, reference |'];
  lines.push('|---|---|---|---|');
  for (const line of outpost.lines) {
    const theirs = reference.lines.find((entry) => entry.event === line.event);
    lines.push(`| ${line.event} | ${line.perEvent.up} / ${line.perEvent.down} | ${line.count} | ${theirs?.count ?? ''} |`);
  }
  const answers = wire.outpost.answers.map((answer) => `${answer.call} ${answer.bytes} B (gzip ${answer.gzipBytes} B)`).join(', ');
  lines.push('');
  lines.push(`Response bodies: ${answers}. Poll held ${wire.outpost.pollSeconds.toFixed(1)} s (Outpost) and ${wire.reference.pollSeconds.toFixed(1)} s (reference).`);
  return `${lines.join('\n')}\n`;
}

function renderList(list: DeviceListResult): string {
  const lines = [
    `### d. Device-list page over ${list.devices} devices (admin API, one user)`,
    '',
    '| Query | p50 ms | p95 ms | max ms | Items |',
    '|---|---|---|---|---|',
  ];
  for (const shape of list.shapes) {
    const latency = shape.latency;
    lines.push(`| ${shape.name}: \`${shape.query.slice(0, 70)}\` | ${latency.p50Ms.toFixed(1)} | ${latency.p95Ms.toFixed(1)} | ${latency.maxMs.toFixed(1)} | ${shape.items} |`);
  }
  return `${lines.join('\n')}\n`;
}

function renderDownload(download: ApkDownloadResult): string {
  const size = (download.fileBytes / MB).toFixed(0);
  const lines = [
    `### e. ${download.concurrentDownloads} concurrent downloads of a ${size} MB APK`,
    '',
    '| Server | MB/s, Node client (whole downloads) | MB/s, wrk | Peak RSS MiB |',
    '|---|---|---|---|',
    `| Outpost | ${formatSpread(download.outpostMegabytesPerSecond)} | ${optionalSpread(download.outpostWrkMegabytesPerSecond)} | ` +
      `${formatSpread(scaled(download.outpostPeakRssBytes, 1 / 2 ** 20))} (idle ${mib(download.outpostIdleRssBytes)}) |`,
  ];
  if (download.nginxMegabytesPerSecond) {
    const nginxPeak = Math.max(...download.nginx.map((entry) => entry.peakRssBytes));
    lines.push(
      `| nginx (${download.nginxVersion}) | ${formatSpread(download.nginxMegabytesPerSecond)} | ${optionalSpread(download.nginxWrkMegabytesPerSecond)} | ${mib(nginxPeak)} (all processes) |`,
    );
  }
  lines.push('');
  if (download.ratioToNginx) {
    lines.push(`Outpost / nginx throughput: ${formatSpread(download.ratioToNginx, 3)} with the Node client, ${optionalSpread(download.wrkRatioToNginx, 3)} with wrk.`);
  } else {
    lines.push('nginx was not installed; no ratio.');
  }
  return `${lines.join('\n')}\n`;
}

function optionalSpread(spread: Spread | null, decimals = 0): string {
  return spread ? formatSpread(spread, decimals) : 'not measured';
}

function renderPollMemory(push: PushFanoutResult): string {
  const memory = push.memory;
  const last = memory.withPolls.at(-1);
  const lines = [
    `### f. Outpost memory with ${push.devices} open long polls (after a full GC)`,
    '',
    '| | RSS MiB | Heap used MiB |',
    '|---|---|---|',
    `| idle | ${mib(memory.idle.rss)} | ${mib(memory.idle.heapUsed)} |`,
  ];
  if (last) lines.push(`| ${last.openLongPolls} polls held (last repeat) | ${mib(last.rss)} | ${mib(last.heapUsed)} |`);
  lines.push(
    `| per poll, KiB | ${formatSpread(scaled(memory.rssIncreasePerPollBytes, 1 / 1024), 1)} | ${formatSpread(scaled(memory.heapIncreasePerPollBytes, 1 / 1024), 1)} |`,
  );
  return `${lines.join('\n')}\n`;
}
