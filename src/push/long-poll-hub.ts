import type { PushHub, PushMessage } from './push-hub.js';

interface Waiter {
  resolve(messages: PushMessage[]): void;
}

// A device offline for days would otherwise collect messages without bound;
// the agent re-syncs its whole configuration anyway, so old ones add nothing.
const MAX_QUEUED_PER_DEVICE = 50;

/**
 * Holds long polls in memory and answers them when a message arrives.
 * Messages for a device that is not polling wait for its next poll.
 */
export class LongPollHub implements PushHub {
  private readonly queues = new Map<string, PushMessage[]>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private openPolls = 0;

  notify(deviceIds: readonly string[], message: PushMessage): void {
    for (const deviceId of deviceIds) {
      const queue = this.queues.get(deviceId) ?? [];
      if (!isDuplicate(queue, message)) {
        queue.push(message);
        if (queue.length > MAX_QUEUED_PER_DEVICE) queue.shift();
      }
      this.queues.set(deviceId, queue);
      this.deliver(deviceId);
    }
  }

  waitForMessages(deviceId: string, holdMs: number, signal: AbortSignal): Promise<PushMessage[]> {
    const queued = this.take(deviceId);
    if (queued.length > 0 || signal.aborted) return Promise.resolve(queued);

    return new Promise((resolve) => {
      const waiters = this.waiters.get(deviceId) ?? new Set<Waiter>();
      this.waiters.set(deviceId, waiters);
      this.openPolls += 1;

      const finish = (messages: PushMessage[]) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (waiters.delete(waiter)) this.openPolls -= 1;
        if (waiters.size === 0 && this.waiters.get(deviceId) === waiters) this.waiters.delete(deviceId);
        resolve(messages);
      };
      const waiter: Waiter = { resolve: finish };
      const onAbort = () => finish([]);
      const timer = setTimeout(() => finish([]), holdMs);

      signal.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
    });
  }

  openPollCount(): number {
    return this.openPolls;
  }

  close(): void {
    for (const deviceId of [...this.waiters.keys()]) this.deliver(deviceId, true);
  }

  private deliver(deviceId: string, evenIfEmpty = false): void {
    const waiters = this.waiters.get(deviceId);
    if (!waiters || waiters.size === 0) return;

    const messages = this.take(deviceId);
    if (messages.length === 0 && !evenIfEmpty) return;

    // The newest poll gets the messages; older ones from the same id (a
    // reconnect after a dropped socket) are answered empty.
    const all = [...waiters];
    all.forEach((waiter, index) => waiter.resolve(index === all.length - 1 ? messages : []));
  }

  private take(deviceId: string): PushMessage[] {
    const queue = this.queues.get(deviceId) ?? [];
    this.queues.delete(deviceId);
    return queue;
  }
}

function isDuplicate(queue: PushMessage[], message: PushMessage): boolean {
  const text = JSON.stringify(message);
  return queue.some((queued) => JSON.stringify(queued) === text);
}
