// Renders the MQTT half of benchmark c as Markdown.

import { TARGETS, verdict } from './targets.js';
import type { WireBytesResult } from './wire-bytes.js';
import { DAYS, type MqttCategory, type MqttMonthlyProjection } from './wire-model.js';

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
const ratio = (value: number) => value.toFixed(3);

const CATEGORY_NAMES: Record<MqttCategory, string> = {
  agentRequests: "agent's own requests (config, log rules, device info)",
  outpostAnswers: "Outpost's responses to them",
  connections: 'HTTP TLS set-up (resumed) and closes',
  mqtt: 'MQTT: connects, subscriptions, keep-alive pings (and TLS under it)',
};

/** Renders Outpost's month in MQTT mode, plain and under TLS, beside the reference defaults. */
export function renderWireMqtt(wire: WireBytesResult): string {
  const { mqtt } = wire;
  const reference = wire.reference.month;
  const { tcp, tls } = mqtt.month;
  const lines = [
    `### c. MQTT mode: bytes per idle phone per ${DAYS} days (keep-alive ${tcp.keepAliveSeconds} s, ${tcp.reconnects} reconnects)`,
    '',
    `| Cause | MQTT plain (stock agent) MB | MQTT under TLS MB | Reference defaults (long poll ${reference.holdSeconds} s) MB |`,
    '|---|---|---|---|',
  ];
  for (const category of Object.keys(CATEGORY_NAMES) as MqttCategory[]) {
    lines.push(`| ${CATEGORY_NAMES[category]} | ${mb(tcp.byCategory[category])} | ${mb(tls.byCategory[category])} | |`);
  }
  lines.push(`| **total** (up / down) | **${mb(tcp.total)}** (${mb(tcp.up)} / ${mb(tcp.down)}) | **${mb(tls.total)}** (${mb(tls.up)} / ${mb(tls.down)}) | **${mb(reference.total)}** |`);
  lines.push(`| ratio to the reference defaults | ${ratio(mqtt.ratio.tcp)} | ${ratio(mqtt.ratio.tls)} | 1.000 |`);
  lines.push('');
  lines.push(
    `Target: ≤ ${TARGETS.wireMqttRatio} of the reference defaults: plain ${verdict(mqtt.ratio.tcp, TARGETS.wireMqttRatio, 'atMost')}, ` +
      `TLS ${verdict(mqtt.ratio.tls, TARGETS.wireMqttRatio, 'atMost')}. TLS reconnect resumed its session: ${mqtt.tlsResumed ? 'yes' : 'no'}.`,
  );
  lines.push(
    `With the 900 s keep-alive of mqttWorker mode (plain): ${mb(mqtt.monthWorkerKeepAlive.total)} MB. ` +
      `With a reconnect every keep-alive interval: plain ${mb(mqtt.monthReconnectEachKeepAlive.tcp.total)} MB, TLS ${mb(mqtt.monthReconnectEachKeepAlive.tls.total)} MB.`,
  );
  lines.push('');
  lines.push(renderMqttEvents(tcp, tls));
  lines.push(`Push payload: \`${mqtt.push.payload}\` at QoS ${mqtt.push.qos}.`);
  return `${lines.join('\n')}\n`;
}

function renderMqttEvents(tcp: MqttMonthlyProjection, tls: MqttMonthlyProjection): string {
  const lines = ['| Event | Bytes up / down, plain | Bytes up / down, TLS | Per 30 days |', '|---|---|---|---|'];
  for (const line of tcp.lines) {
    const secure = tls.lines.find((entry) => entry.event === line.event);
    const tlsCount = secure && secure.count !== line.count ? ` (TLS: ${secure.count})` : '';
    lines.push(`| ${line.event} | ${line.perEvent.up} / ${line.perEvent.down} | ${secure?.perEvent.up ?? ''} / ${secure?.perEvent.down ?? ''} | ${line.count}${tlsCount} |`);
  }
  return `${lines.join('\n')}\n`;
}
