import net from 'node:net';

import { agentRequestText } from './agent-requests.js';
import { epochMs } from './clock.js';
import { HttpResponseReader } from './http-response-reader.js';

// Opening this many connections at a time stays below Node's default listen
// backlog of 511, so no SYN is dropped and retried a second later.
const CONNECT_BATCH = 250;

interface Poller {
  deviceId: string;
  socket: net.Socket;
  reader: HttpResponseReader;
  /** Time the current poll's response arrived, or NaN while it is open. */
  answeredAt: number;
  messageTypes: string[];
  status: number;
  error: string | null;
}

/** Responses of one round of polls: one per device. */
export interface PollRound {
  answered: number;
  failed: number;
  /** Epoch milliseconds at which each poll's response completed. */
  answeredAt: number[];
  /** Responses whose data carried a configUpdated message. */
  configUpdated: number;
  firstError: string | null;
}

/**
 * Devices holding long polls over raw keep-alive sockets, one socket per
 * device as the agent's polling service keeps. Raw sockets keep the client
 * light enough to hold ten thousand polls in one process beside the server.
 */
export class LongPollFleet {
  private round: { resolve(): void; pending: number } | null = null;

  private constructor(
    private readonly host: string,
    private readonly pollers: Poller[],
  ) {}

  /** Connects one socket per device, in batches. */
  static async connect(baseUrl: string, deviceIds: readonly string[]): Promise<LongPollFleet> {
    const url = new URL(baseUrl);
    const pollers: Poller[] = [];
    const fleet = new LongPollFleet(url.host, pollers);

    for (let start = 0; start < deviceIds.length; start += CONNECT_BATCH) {
      const batch = deviceIds.slice(start, start + CONNECT_BATCH);
      await Promise.all(batch.map((deviceId) => fleet.open(url, deviceId)));
    }
    return fleet;
  }

  get size(): number {
    return this.pollers.length;
  }

  /** Sends one poll on every socket; the returned promise resolves once every poll has a response or has failed. */
  poll(): { answered: Promise<PollRound> } {
    if (this.round) throw new Error('A round of polls is already open.');
    let resolve!: () => void;
    const done = new Promise<void>((settle) => (resolve = settle));
    this.round = { resolve, pending: this.pollers.length };

    for (const poller of this.pollers) {
      poller.answeredAt = Number.NaN;
      poller.messageTypes = [];
      poller.error = null;
      poller.socket.write(agentRequestText('poll', { host: this.host, deviceId: poller.deviceId }));
    }
    return { answered: done.then(() => this.summariseRound()) };
  }

  /** Ends an open round early, counting the unanswered polls as failed. */
  abandonRound(reason: string): void {
    for (const poller of this.pollers) {
      if (Number.isNaN(poller.answeredAt) && poller.error === null) this.settle(poller, reason);
    }
  }

  close(): void {
    for (const poller of this.pollers) poller.socket.destroy();
  }

  private open(url: URL, deviceId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port) });
      socket.setNoDelay(true);
      const poller: Poller = {
        deviceId,
        socket,
        reader: new HttpResponseReader(),
        answeredAt: Number.NaN,
        messageTypes: [],
        status: 0,
        error: null,
      };
      socket.once('connect', () => {
        this.pollers.push(poller);
        resolve();
      });
      socket.on('error', (error) => {
        reject(error);
        this.settle(poller, error.message);
      });
      socket.on('data', (chunk: Buffer) => this.receive(poller, chunk));
      socket.once('close', () => this.settle(poller, 'the server closed the connection'));
    });
  }

  private receive(poller: Poller, chunk: Buffer): void {
    const answeredAt = epochMs();
    let response;
    try {
      response = poller.reader.push(chunk);
    } catch (error) {
      this.settle(poller, error instanceof Error ? error.message : String(error));
      return;
    }
    if (!response) return;

    poller.status = response.status;
    try {
      const body = JSON.parse(response.body.toString('utf8')) as { data?: Array<{ messageType?: string }> };
      poller.messageTypes = (body.data ?? []).map((message) => String(message.messageType));
    } catch {
      poller.messageTypes = [];
    }
    poller.answeredAt = answeredAt;
    this.settle(poller, null);
  }

  private settle(poller: Poller, error: string | null): void {
    if (!this.round) return;
    if (error !== null) {
      if (poller.error !== null || !Number.isNaN(poller.answeredAt)) return;
      poller.error = error;
    }
    this.round.pending -= 1;
    if (this.round.pending === 0) {
      const round = this.round;
      this.round = null;
      round.resolve();
    }
  }

  private summariseRound(): PollRound {
    const answered = this.pollers.filter((poller) => !Number.isNaN(poller.answeredAt) && poller.status === 200);
    const failed = this.pollers.filter((poller) => poller.error !== null || (poller.status !== 200 && !Number.isNaN(poller.answeredAt)));
    return {
      answered: answered.length,
      failed: failed.length,
      answeredAt: answered.map((poller) => poller.answeredAt),
      configUpdated: answered.filter((poller) => poller.messageTypes.includes('configUpdated')).length,
      firstError: failed[0]?.error ?? (failed[0] ? `HTTP ${failed[0].status}` : null),
    };
  }
}
