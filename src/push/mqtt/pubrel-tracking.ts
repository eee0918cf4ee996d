import type { Aedes, Client } from 'aedes';

/** The part of the Aedes persistence this module wraps. */
interface OutgoingStore {
  outgoingUpdate(client: Client, packet: OutgoingPacket, ...rest: unknown[]): unknown;
}

interface OutgoingPacket {
  cmd: string;
  messageId?: number;
  brokerId?: string;
  brokerCounter?: number;
}

// Marks PUBREL packets so that no PUBLISH packet, which always carries the
// broker's own id, can share a broker id with them.
const PUBREL_BROKER_ID = 'outpost-pubrel';

/**
 * Works around a bug in the in-memory persistence of aedes-persistence
 * 11.0.0. With two QoS 2 messages in flight to one client, the second PUBREC
 * overwrites the message id of the first stored PUBREL. The broker then sends
 * PUBREL for the second id twice, and the exchange for the first message
 * never completes. MQTT.js, which delivers a QoS 2 message on PUBREL, never
 * delivers that message to the application.
 *
 * The store matches an update to a stored packet by broker id and counter,
 * and a PUBREL has neither, so any PUBREL matches any stored PUBREL. Giving
 * each PUBREL a broker id and its message id as counter makes the match exact.
 */
export function fixPubrelTracking(broker: Aedes): void {
  const store = (broker as unknown as { persistence: OutgoingStore }).persistence;
  const outgoingUpdate = store.outgoingUpdate.bind(store);

  store.outgoingUpdate = (client, packet, ...rest) => {
    if (packet.cmd === 'pubrel' && packet.brokerId === undefined) {
      packet.brokerId = PUBREL_BROKER_ID;
      packet.brokerCounter = packet.messageId;
    }
    return outgoingUpdate(client, packet, ...rest);
  };
}
