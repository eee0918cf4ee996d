import { Pool } from 'undici';

import { fillDeviceInfo } from '../agent-requests.js';
import { deviceIdOf } from '../fleet-shape.js';
import { summariseLatencies } from '../stats.js';
import type { LoadPattern, LoadResult, LoadSettings } from './load-pattern.js';

// The agent gives up on a call after 10 s; so does this client by default.
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;

interface PreparedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/**
 * Closed-loop load from this process, for machines without wrk: each of
 * `connections` workers sends its next request as soon as the response to
 * the last one is in, until the duration is over. It uses more CPU per request than
 * wrk, so on a small machine it lowers the server's throughput too.
 */
export async function runNodeLoad(pattern: LoadPattern, settings: LoadSettings): Promise<LoadResult> {
  const pool = new Pool(settings.baseUrl, { connections: settings.connections, pipelining: 1 });
  const timeoutMs = (settings.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000;
  const latencies: number[] = [];
  let errors = 0;
  // Counted from Content-Length: the bodies are discarded unread, to keep the client light.
  let bytesRead = 0;
  let nextTimestamp = Date.now();

  const prepare = (): PreparedRequest => {
    const n = 1 + Math.floor(Math.random() * pattern.deviceCount);
    switch (pattern.mode) {
      case 'config':
        return { method: 'GET', path: `/rest/public/sync/configuration/${deviceIdOf(n)}` };
      case 'info':
      case 'post': {
        nextTimestamp += 1;
        const body = fillDeviceInfo(pattern.bodyTemplate ?? '{}', deviceIdOf(n), n, nextTimestamp);
        return { method: 'POST', path: pattern.mode === 'info' ? '/rest/public/sync/info' : (pattern.path ?? '/'), body };
      }
      case 'get':
        return { method: 'GET', path: pattern.path ?? '/' };
    }
  };

  const started = performance.now();
  const deadline = started + settings.durationSeconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const request = prepare();
      const sent = performance.now();
      try {
        const response = await pool.request({
          method: request.method,
          path: request.path,
          headers: request.body === undefined ? {} : { 'content-type': 'application/json; charset=UTF-8' },
          body: request.body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        await response.body.dump();
        bytesRead += Number(response.headers['content-length'] ?? 0);
        if (response.statusCode >= 400) errors += 1;
        latencies.push(performance.now() - sent);
      } catch {
        errors += 1;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: settings.connections }, worker));
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    generator: 'node',
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    errors,
    bytesRead,
    latency: summariseLatencies(latencies),
  };
}
