/**
 * Simulated time for a fleet. A speed of K makes every agent interval K times
 * shorter in real time: with K = 60 an hour of agent schedule lasts a minute.
 */
export class SimClock {
  private readonly startedAt = Date.now();

  constructor(readonly speed: number) {
    if (!Number.isFinite(speed) || speed <= 0) {
      throw new Error(`Invalid speed ${speed}: expected a positive number such as 1 or 60.`);
    }
  }

  /** Simulated milliseconds since the clock was created. */
  elapsed(): number {
    return (Date.now() - this.startedAt) * this.speed;
  }

  /** Converts a simulated duration to the real duration a timer must wait. */
  toRealMs(simulatedMs: number): number {
    return Math.max(0, simulatedMs / this.speed);
  }

  /**
   * Waits a simulated duration. Resolves true when the time passed and false
   * when the signal aborted first. It never rejects.
   */
  sleep(simulatedMs: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);

    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, this.toRealMs(simulatedMs));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
