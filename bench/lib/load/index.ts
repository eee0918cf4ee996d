import type { LoadPattern, LoadResult, LoadSettings } from './load-pattern.js';
import { runNodeLoad } from './node-load.js';
import { runWrk, wrkVersion } from './wrk-load.js';

export type { LoadPattern, LoadResult, LoadSettings } from './load-pattern.js';

export interface LoadGenerator {
  name: 'wrk' | 'node';
  version: string;
}

let chosen: LoadGenerator | null = null;

/**
 * Returns the load generator of this run: wrk when installed, else the Node
 * client. BENCH_LOAD_GENERATOR=node forces the Node client.
 */
export function loadGenerator(): LoadGenerator {
  if (chosen) return chosen;
  const wrk = process.env.BENCH_LOAD_GENERATOR === 'node' ? null : wrkVersion();
  chosen = wrk ? { name: 'wrk', version: wrk } : { name: 'node', version: `undici in Node ${process.version}` };
  return chosen;
}

/** Runs a timed closed-loop load with the generator of this run. */
export function runLoad(pattern: LoadPattern, settings: LoadSettings): Promise<LoadResult> {
  return loadGenerator().name === 'wrk' ? runWrk(pattern, settings) : runNodeLoad(pattern, settings);
}
