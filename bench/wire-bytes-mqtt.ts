// Benchmark c, MQTT half: the bytes of one phone's connection to Outpost's
// embedded broker, measured at the TCP socket, plain as the stock agent
// connects and under TLS as a broker behind a TLS front would be reached.

import { agentMqttPassword, AGENT_MQTT_USERNAME } from '../src/push/mqtt/credentials.js';
import type { WireBytes } from './lib/agent-connection.js';
import { MqttAgentConnection, type MqttTlsOptions } from './lib/mqtt-agent-connection.js';
import type { ConnectOptions } from './lib/mqtt-packets.js';
import { SERVER_NAME, type CertificateChain } from './lib/tls-certificates.js';
import { TlsTerminator } from './lib/tls-terminator.js';
import { MQTT_AGENT, type MeasuredCosts, type MqttMeasuredCosts } from './wire-model.js';

/** The message the broker sent the phone when the policy changed. */
export interface ReceivedPush {
  payload: string;
  qos: number;
}

export interface MqttTransportCosts {
  costs: MqttMeasuredCosts;
  /** True when the reconnect resumed the TLS session; false over plain TCP. */
  resumed: boolean;
  push: ReceivedPush;
}

export interface MqttMeasurement {
  brokerPort: number;
  deviceId: string;
  agentSecret: string;
  /** Makes Outpost send the device a configUpdated, for example by saving its policy. */
  sendPush: () => Promise<void>;
  certificates: CertificateChain;
  http: MeasuredCosts;
}

const ZERO: WireBytes = { up: 0, down: 0 };

/** Measures the broker connection plain and under TLS, one after the other. */
export async function measureMqttTransports(options: MqttMeasurement): Promise<Record<'tcp' | 'tls', MqttTransportCosts>> {
  const trigger = options.sendPush;
  const tcp = await measureTransport(options, options.brokerPort, null, trigger);

  // The TLS front forwards bytes to the broker unchanged, as an nginx
  // stream block with "listen 8883 ssl" does.
  const terminator = await TlsTerminator.start(options.certificates, new URL(`mqtt://127.0.0.1:${options.brokerPort}`));
  try {
    const tlsOptions: MqttTlsOptions = { serverName: SERVER_NAME, ca: options.certificates.root, session: null };
    const tls = await measureTransport(options, terminator.port, tlsOptions, trigger);
    return { tcp, tls };
  } finally {
    await terminator.close();
  }
}

/**
 * Connects and subscribes as the agent does, sends one keep-alive ping,
 * receives the configUpdated of a policy save, then drops the connection
 * without DISCONNECT, as a lost network does, and connects again.
 */
async function measureTransport(
  options: MqttMeasurement,
  port: number,
  tlsOptions: MqttTlsOptions | null,
  trigger: () => Promise<void>,
): Promise<MqttTransportCosts> {
  const login: ConnectOptions = {
    clientId: options.deviceId,
    username: AGENT_MQTT_USERNAME,
    password: agentMqttPassword(options.agentSecret),
    keepAliveSeconds: MQTT_AGENT.keepAliveSeconds,
    // The agent keeps its session (cleanSession=false), so the broker queues messages while it is away.
    cleanSession: false,
  };

  const first = await MqttAgentConnection.open(port, tlsOptions);
  let connect: WireBytes;
  let ping: WireBytes;
  let message: WireBytes;
  let push: ReceivedPush;
  try {
    connect = await first.connectAndSubscribe(login, options.deviceId);
    ping = await first.ping();
    const received = await first.receiveQos2(trigger);
    message = { up: received.up, down: received.down };
    push = { payload: received.topicPayload, qos: received.qos };
  } finally {
    first.destroy();
  }

  const second = await MqttAgentConnection.open(port, tlsOptions ? { ...tlsOptions, session: first.session } : null);
  let reconnect: WireBytes;
  try {
    reconnect = await second.connectAndSubscribe(login, options.deviceId);
  } finally {
    second.destroy();
  }

  return {
    costs: {
      transport: tlsOptions ? 'tls' : 'tcp',
      keepAliveSeconds: MQTT_AGENT.keepAliveSeconds,
      http: options.http,
      mqttFullHandshake: tlsOptions ? first.handshake : ZERO,
      mqttResumedHandshake: tlsOptions ? second.handshake : ZERO,
      mqttConnect: connect,
      mqttReconnect: reconnect,
      mqttPing: ping,
      mqttMessage: message,
    },
    resumed: tlsOptions !== null && second.resumed,
    push,
  };
}
