import type { LatencySummary } from '../stats.js';

/** The requests a closed-loop load sends, each for a device picked at random. */
export interface LoadPattern {
  /** config: GET the configuration; info: POST a device report; get/post: a fixed path. */
  mode: 'config' | 'info' | 'get' | 'post';
  /** Path of get and post. */
  path?: string;
  /** Devices 1..deviceCount exist on the server. */
  deviceCount: number;
  /** Device-info template with placeholders, for info and post. */
  bodyTemplate?: string;
}

export interface LoadSettings {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  /** Time after which one request counts as timed out; 10 s, the agent's own limit, by default. */
  requestTimeoutSeconds?: number;
}

/** Outcome of one timed load. */
export interface LoadResult {
  generator: 'wrk' | 'node';
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  /** Connection errors, timeouts and responses with an HTTP status of 400 or more. */
  errors: number;
  /** Bytes of the responses, headers included. */
  bytesRead: number;
  latency: LatencySummary;
}
