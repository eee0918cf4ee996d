import type { Logger } from 'pino';

// A deleted or never-enrolled phone keeps polling every minute or so. One
// line per device id an hour warns the operator without flooding the log.
const LOG_INTERVAL_MS = 60 * 60 * 1000;
// Bounds memory when a client walks through many made-up device ids.
const MAX_TRACKED_IDS = 10_000;

/**
 * Logs requests from device ids that are not enrolled, at most once an hour
 * per id. Past 10,000 ids the record starts afresh, so an id may log again sooner.
 */
export class UnknownDeviceLog {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  record(deviceId: string, route: string, ip: string): void {
    const now = this.now();
    const last = this.lastLogged.get(deviceId);
    if (last !== undefined && now - last < LOG_INTERVAL_MS) return;

    if (this.lastLogged.size >= MAX_TRACKED_IDS) this.lastLogged.clear();
    this.lastLogged.set(deviceId, now);
    this.logger.warn({ deviceId, route, ip }, 'request from a device that is not enrolled');
  }
}
