// The MQTT 3.1.1 packets an agent exchanges with its broker, encoded by
// hand so that the wire-bytes benchmark controls every byte it sends. The
// layouts follow the OASIS MQTT 3.1.1 standard, section 3.

/** Control packet types (MQTT 3.1.1 section 2.2.1). */
export const PACKET_TYPE = {
  connect: 1,
  connack: 2,
  publish: 3,
  pubrec: 5,
  pubrel: 6,
  pubcomp: 7,
  subscribe: 8,
  suback: 9,
  pingreq: 12,
  pingresp: 13,
  disconnect: 14,
} as const;

const PROTOCOL_NAME = 'MQTT';
// Protocol level 4 is MQTT 3.1.1, which the agent's Paho client offers first.
const PROTOCOL_LEVEL = 4;
const CONNECT_FLAG_USERNAME = 0x80;
const CONNECT_FLAG_PASSWORD = 0x40;
const CONNECT_FLAG_CLEAN_SESSION = 0x02;
// SUBSCRIBE and PUBREL must carry flags 0010 in the fixed header (section 3.8.1 and 3.6.1).
const FLAGS_RESERVED_QOS1 = 0x02;
const MAX_REMAINING_LENGTH_BYTES = 4;

export interface ConnectOptions {
  clientId: string;
  username: string;
  password: string;
  keepAliveSeconds: number;
  cleanSession: boolean;
}

/** One packet read off the wire: its type, fixed-header flags and the bytes after the fixed header. */
export interface MqttPacket {
  type: number;
  flags: number;
  body: Buffer;
}

function utf8Field(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

/** Encodes the variable-length "remaining length" of a fixed header (section 2.2.3). */
function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    let digit = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) digit |= 0x80;
    bytes.push(digit);
  } while (rest > 0);
  return Buffer.from(bytes);
}

function packet(type: number, flags: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(type << 4) | flags]), remainingLength(body.length), body]);
}

/** CONNECT with a user name and password and no will, as the agent sends it. */
export function connectPacket(options: ConnectOptions): Buffer {
  let flags = CONNECT_FLAG_USERNAME | CONNECT_FLAG_PASSWORD;
  if (options.cleanSession) flags |= CONNECT_FLAG_CLEAN_SESSION;
  const body = Buffer.concat([
    utf8Field(PROTOCOL_NAME),
    Buffer.from([PROTOCOL_LEVEL, flags]),
    uint16(options.keepAliveSeconds),
    utf8Field(options.clientId),
    utf8Field(options.username),
    utf8Field(options.password),
  ]);
  return packet(PACKET_TYPE.connect, 0, body);
}

/** SUBSCRIBE to one topic at the given QoS. */
export function subscribePacket(packetId: number, topic: string, qos: 0 | 1 | 2): Buffer {
  return packet(PACKET_TYPE.subscribe, FLAGS_RESERVED_QOS1, Buffer.concat([uint16(packetId), utf8Field(topic), Buffer.from([qos])]));
}

export function pingRequestPacket(): Buffer {
  return packet(PACKET_TYPE.pingreq, 0, Buffer.alloc(0));
}

/** PUBREC or PUBCOMP: the receiver's two steps of a QoS 2 delivery. */
export function acknowledgementPacket(type: typeof PACKET_TYPE.pubrec | typeof PACKET_TYPE.pubcomp, packetId: number): Buffer {
  return packet(type, 0, uint16(packetId));
}

/** Returns the packet id of a PUBLISH at QoS 1 or 2, a PUBREL or a SUBACK. */
export function packetIdOf(received: MqttPacket): number {
  if (received.type !== PACKET_TYPE.publish) return received.body.readUInt16BE(0);
  const topicLength = received.body.readUInt16BE(0);
  return received.body.readUInt16BE(2 + topicLength);
}

/** Returns the QoS of a received PUBLISH from its fixed-header flags. */
export function publishQos(received: MqttPacket): number {
  return (received.flags >> 1) & 0x03;
}

/** Returns the payload of a received PUBLISH at QoS 1 or 2. */
export function publishPayload(received: MqttPacket): Buffer {
  const topicLength = received.body.readUInt16BE(0);
  return received.body.subarray(2 + topicLength + 2);
}

/**
 * Splits a byte stream into MQTT packets. Bytes of an incomplete packet
 * stay buffered until the rest arrives.
 */
export class MqttPacketReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): MqttPacket[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const packets: MqttPacket[] = [];
    for (;;) {
      const next = this.readOne();
      if (!next) return packets;
      packets.push(next);
    }
  }

  private readOne(): MqttPacket | null {
    if (this.buffered.length < 2) return null;
    let length = 0;
    let multiplier = 1;
    let offset = 1;
    for (;;) {
      if (offset > MAX_REMAINING_LENGTH_BYTES) throw new Error('Invalid MQTT remaining length: more than 4 bytes.');
      if (offset >= this.buffered.length) return null;
      const digit = this.buffered[offset] as number;
      length += (digit & 0x7f) * multiplier;
      multiplier *= 128;
      offset += 1;
      if ((digit & 0x80) === 0) break;
    }
    if (this.buffered.length < offset + length) return null;

    const first = this.buffered[0] as number;
    const body = this.buffered.subarray(offset, offset + length);
    this.buffered = this.buffered.subarray(offset + length);
    return { type: first >> 4, flags: first & 0x0f, body };
  }
}
