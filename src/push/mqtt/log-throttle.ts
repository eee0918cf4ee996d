import type { Logger } from 'pino';

interface ThrottleEntry {
  lastWrittenAt: number;
  suppressed: number;
}

// Keys are device ids or fixed reasons. Past this many, entries whose
// interval has ended are dropped so a flood of new ids cannot grow the map
// without bound.
const MAX_KEYS_BEFORE_PRUNE = 10_000;

/**
 * Writes a repeated warning at most once per interval and key. Each line
 * carries `suppressed`, the number of repeats counted but not written since
 * the previous line for that key.
 */
export class LogThrottle {
  private readonly entries = new Map<string, ThrottleEntry>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    const entry = this.entries.get(key);

    if (entry && now - entry.lastWrittenAt < this.intervalMs) {
      entry.suppressed += 1;
      return;
    }

    this.logger.warn({ ...fields, suppressed: entry?.suppressed ?? 0 }, message);
    this.entries.set(key, { lastWrittenAt: now, suppressed: 0 });

    if (this.entries.size > MAX_KEYS_BEFORE_PRUNE) this.prune(now);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastWrittenAt >= this.intervalMs) this.entries.delete(key);
    }
  }
}
