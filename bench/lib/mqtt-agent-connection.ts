import net from 'node:net';
import tls from 'node:tls';

import type { WireBytes } from './agent-connection.js';
import {
  acknowledgementPacket,
  connectPacket,
  MqttPacketReader,
  PACKET_TYPE,
  packetIdOf,
  pingRequestPacket,
  publishPayload,
  publishQos,
  subscribePacket,
  type ConnectOptions,
  type MqttPacket,
} from './mqtt-packets.js';

/** TLS settings of a broker connection; without them the connection is plain TCP. */
export interface MqttTlsOptions {
  serverName: string;
  ca: string;
  /** A session from an earlier connection to offer for resumption, or null. */
  session: Buffer | null;
}

// Session tickets arrive after the TLS 1.3 handshake, in records of their
// own. The handshake counts as done once the socket has been quiet this long.
const QUIET_MS = 100;
const QUIET_POLL_MS = 5;
// A loopback broker replies in milliseconds; a policy save that wakes the
// device takes longer, so waiting for a push has its own bound.
const REPLY_TIMEOUT_MS = 10_000;
const PUSH_TIMEOUT_MS = 30_000;
const CONNACK_ACCEPTED = 0;
const SUBACK_FAILURE = 0x80;

/** A QoS 2 message received with its whole handshake. */
export interface ReceivedMessage extends WireBytes {
  topicPayload: string;
  qos: number;
}

/**
 * One MQTT connection of a simulated phone to the broker, plain or under
 * TLS, with byte counters on the TCP socket. The counts include MQTT
 * framing and, under TLS, record framing and handshakes, but not TCP or IP
 * headers.
 */
export class MqttAgentConnection {
  private readonly reader = new MqttPacketReader();
  private readonly received: MqttPacket[] = [];
  private waiting: (() => void) | null = null;
  private nextPacketId = 1;
  /** The newest TLS session the server issued, for the next connection. */
  session: Buffer | null = null;

  private constructor(
    private readonly raw: net.Socket,
    private readonly stream: net.Socket,
    /** Bytes of the TLS handshake with its session tickets; zero over plain TCP. */
    readonly handshake: WireBytes,
    /** True when the TLS server accepted the offered session. */
    readonly resumed: boolean,
  ) {
    stream.on('data', (chunk: Buffer) => {
      this.received.push(...this.reader.push(chunk));
      this.waiting?.();
    });
  }

  /** Opens the TCP connection to 127.0.0.1:port and, with `tlsOptions`, the TLS session on it. */
  static async open(port: number, tlsOptions: MqttTlsOptions | null): Promise<MqttAgentConnection> {
    const raw = net.connect({ host: '127.0.0.1', port });
    raw.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      raw.once('connect', () => resolve());
      raw.once('error', reject);
    });
    if (!tlsOptions) return new MqttAgentConnection(raw, raw, { up: 0, down: 0 }, false);

    const secure = tls.connect({
      socket: raw,
      servername: tlsOptions.serverName,
      ca: tlsOptions.ca,
      session: tlsOptions.session ?? undefined,
    });
    let session: Buffer | null = null;
    secure.on('session', (ticket: Buffer) => (session = ticket));
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    await waitForQuiet(raw, QUIET_MS);

    const connection = new MqttAgentConnection(raw, secure, counters(raw), secure.isSessionReused());
    connection.session = session;
    secure.on('session', (ticket: Buffer) => (connection.session = ticket));
    return connection;
  }

  /** Sends CONNECT and then SUBSCRIBE to `topic` at QoS 2, as the agent does after every connect. */
  async connectAndSubscribe(options: ConnectOptions, topic: string): Promise<WireBytes> {
    return this.counted(async () => {
      this.stream.write(connectPacket(options));
      const connack = await this.expect(PACKET_TYPE.connack, REPLY_TIMEOUT_MS);
      const code = connack.body[1];
      if (code !== CONNACK_ACCEPTED) throw new Error(`The broker rejected the MQTT CONNECT of ${options.clientId}: return code ${code}.`);

      const packetId = this.takePacketId();
      this.stream.write(subscribePacket(packetId, topic, 2));
      const suback = await this.expect(PACKET_TYPE.suback, REPLY_TIMEOUT_MS);
      const granted = suback.body[2];
      if (packetIdOf(suback) !== packetId || granted === SUBACK_FAILURE || granted === undefined) {
        throw new Error(`The broker rejected the subscription to ${topic}: SUBACK ${suback.body.toString('hex')}.`);
      }
    });
  }

  /** Sends PINGREQ and waits for PINGRESP: the keep-alive round of an idle client. */
  ping(): Promise<WireBytes> {
    return this.counted(async () => {
      this.stream.write(pingRequestPacket());
      await this.expect(PACKET_TYPE.pingresp, REPLY_TIMEOUT_MS);
    });
  }

  /**
   * Runs `trigger`, then receives one PUBLISH and completes its QoS 2
   * handshake: PUBREC from the phone, PUBREL from the broker, PUBCOMP from
   * the phone. The bytes of `trigger` itself are not on this connection.
   */
  async receiveQos2(trigger: () => Promise<void>): Promise<ReceivedMessage> {
    let payload = '';
    let qos = -1;
    const bytes = await this.counted(async () => {
      await trigger();
      const publish = await this.expect(PACKET_TYPE.publish, PUSH_TIMEOUT_MS);
      qos = publishQos(publish);
      payload = publishPayload(publish).toString('utf8');
      const packetId = packetIdOf(publish);
      this.stream.write(acknowledgementPacket(PACKET_TYPE.pubrec, packetId));
      const pubrel = await this.expect(PACKET_TYPE.pubrel, REPLY_TIMEOUT_MS);
      if (packetIdOf(pubrel) !== packetId) throw new Error(`PUBREL for packet ${packetIdOf(pubrel)}, expected ${packetId}.`);
      this.stream.write(acknowledgementPacket(PACKET_TYPE.pubcomp, packetId));
    });
    return { ...bytes, topicPayload: payload, qos };
  }

  destroy(): void {
    this.stream.destroy();
    this.raw.destroy();
  }

  /** Runs `step` and returns the bytes it moved, once the socket has gone quiet after it. */
  private async counted(step: () => Promise<void>): Promise<WireBytes> {
    const before = counters(this.raw);
    await step();
    await waitForQuiet(this.raw, QUIET_MS);
    const after = counters(this.raw);
    return { up: after.up - before.up, down: after.down - before.down };
  }

  private takePacketId(): number {
    const id = this.nextPacketId;
    this.nextPacketId += 1;
    return id;
  }

  /** Resolves with the next received packet of `type`; any other packet first is an error. */
  private async expect(type: number, timeoutMs: number): Promise<MqttPacket> {
    const deadline = performance.now() + timeoutMs;
    while (this.received.length === 0) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`No MQTT packet of type ${type} within ${timeoutMs} ms.`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiting = null;
    }
    const next = this.received.shift() as MqttPacket;
    if (next.type !== type) throw new Error(`Expected MQTT packet type ${type}, received type ${next.type}.`);
    return next;
  }
}

function counters(socket: net.Socket): WireBytes {
  return { up: socket.bytesWritten, down: socket.bytesRead };
}

/** Resolves once neither byte count of the socket has changed for quietMs. */
async function waitForQuiet(socket: net.Socket, quietMs: number): Promise<void> {
  let last = counters(socket);
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, QUIET_POLL_MS));
    const now = counters(socket);
    if (now.up !== last.up || now.down !== last.down) {
      last = now;
      quietSince = performance.now();
    }
  }
}
