import type { NodeMemory } from './process-memory.js';
import { BenchChild } from './child-process.js';
import type { OutpostReady } from '../servers/server-info.js';

/** Password of the first admin user in every bench server. */
export const BENCH_ADMIN_PASSWORD = 'bench-admin-password';

export type OutpostChild = BenchChild<OutpostReady>;

/** Memory of the Outpost child after a full garbage collection, with its open long polls. */
export type OutpostMemory = NodeMemory & { openLongPolls: number };

/**
 * Starts Outpost in a child process on a seeded data folder. `env` adds
 * OUTPOST_* settings, such as the long-poll hold. The child runs with
 * --expose-gc so that heap figures are taken after a full collection.
 */
export function startOutpost(name: string, dataDir: string, env: Record<string, string> = {}): Promise<OutpostChild> {
  return BenchChild.start<OutpostReady>(name, 'servers/outpost-server.js', {
    env: {
      BENCH_DATA_DIR: dataDir,
      OUTPOST_ADMIN_PASSWORD: BENCH_ADMIN_PASSWORD,
      OUTPOST_LOG_LEVEL: 'error',
      // The benchmarks sign in once per measurement, more often than a person would.
      OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      ...env,
    },
    execArgv: ['--expose-gc'],
  });
}

export function outpostMemory(child: OutpostChild): Promise<OutpostMemory> {
  return child.request<OutpostMemory>('memory');
}

/** Returns the number of long polls Outpost keeps open right now. */
export function openLongPolls(child: OutpostChild): Promise<number> {
  return child.request<number>('openLongPolls');
}
