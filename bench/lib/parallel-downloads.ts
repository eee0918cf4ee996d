import http from 'node:http';

import { summariseLatencies, type LatencySummary } from './stats.js';

export interface DownloadRun {
  downloads: number;
  /** Downloads that ended with HTTP 200 and the full expected length. */
  complete: number;
  bytes: number;
  seconds: number;
  megabytesPerSecond: number;
  perDownload: LatencySummary;
  firstError: string | null;
}

// A 50 MB download over loopback takes seconds; a minute means a stall.
const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Downloads `url` `count` times at once, each over its own connection and
 * with Accept-Encoding: identity as the agent's downloader sends, and
 * discards the bytes as they arrive.
 */
export async function downloadInParallel(url: string, count: number, expectedBytes: number): Promise<DownloadRun> {
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: count }, () => downloadOnce(url, expectedBytes)));
  const seconds = (performance.now() - started) / 1000;

  const bytes = outcomes.reduce((sum, outcome) => sum + outcome.bytes, 0);
  const failed = outcomes.find((outcome) => outcome.error !== null);
  return {
    downloads: count,
    complete: outcomes.filter((outcome) => outcome.error === null).length,
    bytes,
    seconds,
    megabytesPerSecond: bytes / 1e6 / seconds,
    perDownload: summariseLatencies(outcomes.map((outcome) => outcome.ms)),
    firstError: failed?.error ?? null,
  };
}

function downloadOnce(url: string, expectedBytes: number): Promise<{ bytes: number; ms: number; error: string | null }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (error: string | null) => resolve({ bytes, ms: performance.now() - started, error });
    const request = http.get(url, { agent: false, headers: { 'accept-encoding': 'identity' }, timeout: DOWNLOAD_TIMEOUT_MS }, (response) => {
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.once('end', () => {
        if (response.statusCode !== 200) finish(`HTTP ${response.statusCode}`);
        else if (bytes !== expectedBytes) finish(`received ${bytes} of ${expectedBytes} bytes`);
        else finish(null);
      });
      response.once('error', (error) => finish(error.message));
    });
    request.once('timeout', () => request.destroy(new Error(`timed out after ${DOWNLOAD_TIMEOUT_MS} ms`)));
    request.once('error', (error) => finish(error.message));
  });
}
