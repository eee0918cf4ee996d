// Targets of the benchmarks. A result may miss one, and the report shows
// which.

export const TARGETS = {
  /** Config sync throughput as a fraction of the bare Fastify route's. */
  configSyncRatio: 0.5,
  /** Device-info ingest throughput as a fraction of the bare Fastify route's. */
  ingestRatio: 0.4,
  /** p99 latency of config sync and ingest. */
  p99Ms: 100,
  /** Time for one configUpdated to reach every one of 10,000 devices. */
  fanoutMs: 2000,
  /** Outpost's bytes per idle phone per 30 days over the reference server's defaults. */
  wireRatio: 0.25,
  /** The same ratio with the phone in MQTT push mode instead of long polling. */
  wireMqttRatio: 0.1,
} as const;

/** Returns "met" or "not met" for a measured value against a bound. */
export function verdict(value: number, bound: number, direction: 'atLeast' | 'atMost' | 'below'): 'met' | 'not met' {
  let met: boolean;
  if (direction === 'atLeast') met = value >= bound;
  else if (direction === 'atMost') met = value <= bound;
  else met = value < bound;
  return met ? 'met' : 'not met';
}
