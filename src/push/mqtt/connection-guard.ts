import type { Logger } from 'pino';

import { LogThrottle } from './log-throttle.js';

/** Length of the window in which connects and takeovers are counted. */
export const CONNECT_WINDOW_MS = 60_000;

// The agent turns MQTT off after more than 15 reconnects in a minute, so a
// single phone never reaches 20 CONNECTs a minute. More means two phones
// share the id, or a client is misbehaving.
export const MAX_CONNECTS_PER_WINDOW = 20;

// A phone that changes network leaves its old socket open until the keepalive
// expires, and its next CONNECT takes that session over once. Three takeovers
// in one window mean two live clients keep taking the id from each other.
export const COLLISION_TAKEOVERS_PER_WINDOW = 3;

interface ClientWindow {
  startedAt: number;
  connects: number;
  takeovers: number;
  /** Remote addresses seen for the id in this window; a collision shows two. */
  addresses: Set<string>;
}

// Enough addresses to show a collision in a log line without letting one
// client id collect addresses without bound.
const MAX_ADDRESSES_PER_WINDOW = 8;

/**
 * Counts CONNECTs per client id, rejects an id that connects too often, and
 * warns when two live connections share a client id. Each warning is written
 * at most once per window and id.
 */
export class ConnectionGuard {
  private readonly windows = new Map<string, ClientWindow>();
  private readonly rateLimitLog: LogThrottle;
  private readonly collisionLog: LogThrottle;

  constructor(
    logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.rateLimitLog = new LogThrottle(logger, CONNECT_WINDOW_MS, now);
    this.collisionLog = new LogThrottle(logger, CONNECT_WINDOW_MS, now);
  }

  /** Counts a CONNECT and returns false when the id has used up its window. */
  admitConnect(clientId: string, address: string): boolean {
    const window = this.windowOf(clientId);
    window.connects += 1;
    rememberAddress(window, address);

    if (window.connects <= MAX_CONNECTS_PER_WINDOW) return true;

    this.rateLimitLog.warn(
      clientId,
      { deviceId: clientId, address, connects: window.connects, windowSeconds: CONNECT_WINDOW_MS / 1000 },
      'mqtt connect rejected: too many connects for this client id',
    );
    return false;
  }

  /** Counts a CONNECT that replaces a live connection with the same client id. */
  recordTakeover(clientId: string, previousAddress: string, address: string): void {
    const window = this.windowOf(clientId);
    window.takeovers += 1;
    rememberAddress(window, previousAddress);
    rememberAddress(window, address);

    if (window.takeovers < COLLISION_TAKEOVERS_PER_WINDOW) return;

    this.collisionLog.warn(
      clientId,
      { deviceId: clientId, addresses: [...window.addresses], takeovers: window.takeovers },
      'mqtt device id collision: two live connections use the same client id; give each phone a unique device id',
    );
  }

  /** Drops the counters of windows that have ended. */
  sweep(): void {
    const now = this.now();
    for (const [clientId, window] of this.windows) {
      if (now - window.startedAt >= CONNECT_WINDOW_MS) this.windows.delete(clientId);
    }
  }

  private windowOf(clientId: string): ClientWindow {
    const now = this.now();
    const current = this.windows.get(clientId);
    if (current && now - current.startedAt < CONNECT_WINDOW_MS) return current;

    const fresh: ClientWindow = { startedAt: now, connects: 0, takeovers: 0, addresses: new Set() };
    this.windows.set(clientId, fresh);
    return fresh;
  }
}

function rememberAddress(window: ClientWindow, address: string): void {
  if (window.addresses.size < MAX_ADDRESSES_PER_WINDOW) window.addresses.add(address);
}
