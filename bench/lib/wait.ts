const CHECK_INTERVAL_MS = 50;

/** Resolves once `check` returns true; rejects with `describe()` after timeoutMs. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  describe: () => Promise<string> | string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${await describe()}`);
    await sleep(CHECK_INTERVAL_MS);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the promise's value, or with `fallback()` once timeoutMs has passed. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, fallback: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const winner = await Promise.race([promise, timeout]);
  clearTimeout(timer);
  return winner === 'timeout' ? fallback() : winner;
}
