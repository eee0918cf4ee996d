import { MAX_OFFLINE_MESSAGES_PER_DEVICE } from './offline-coalescer.js';

/**
 * Maximum devices with wake-ups waiting while the external broker is
 * unreachable. A wake-up is a device id and a payload of a few hundred
 * bytes, so a full queue takes tens of megabytes (an estimate), and it fits
 * a policy change to every phone of a national fleet during one outage.
 */
export const MAX_QUEUED_DEVICES = 100_000;

/** Outcome of PendingWakeUps.add. */
export type QueueOutcome = 'queued' | 'coalesced' | 'dropped';

/**
 * Messages for devices, kept in memory while the external broker is away
 * and published when it is back. Each device keeps each distinct payload
 * once, because the agent fetches its whole configuration on any
 * configUpdated, so ten policy changes during an outage cost one sync.
 * The queue keeps at most MAX_QUEUED_DEVICES devices and
 * MAX_OFFLINE_MESSAGES_PER_DEVICE payloads per device, and drops the rest. A dropped wake-up reaches the phone through its long poll, which
 * gets every message as well, or its next scheduled sync.
 */
export class PendingWakeUps {
  private readonly byDevice = new Map<string, Set<string>>();
  private messages = 0;
  private droppedTotal = 0;

  constructor(
    private readonly maxDevices = MAX_QUEUED_DEVICES,
    private readonly maxPerDevice = MAX_OFFLINE_MESSAGES_PER_DEVICE,
  ) {}

  add(deviceId: string, payload: string): QueueOutcome {
    const queued = this.byDevice.get(deviceId);
    if (queued?.has(payload)) return 'coalesced';

    const full = queued ? queued.size >= this.maxPerDevice : this.byDevice.size >= this.maxDevices;
    if (full) {
      this.droppedTotal += 1;
      return 'dropped';
    }

    if (queued) queued.add(payload);
    else this.byDevice.set(deviceId, new Set([payload]));
    this.messages += 1;
    return 'queued';
  }

  /** Messages waiting, counting each device's distinct payloads. */
  get size(): number {
    return this.messages;
  }

  /** Wake-ups dropped because the queue was full, since the start. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Empties the queue and returns its messages in the order they were first queued. */
  takeAll(): Array<{ deviceId: string; payload: string }> {
    const all: Array<{ deviceId: string; payload: string }> = [];
    for (const [deviceId, payloads] of this.byDevice) {
      for (const payload of payloads) all.push({ deviceId, payload });
    }
    this.byDevice.clear();
    this.messages = 0;
    return all;
  }
}
