import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeFileBody, type WrittenBody } from '../../src/agent-api/file-body-writer.js';
import { FileChunkPool } from '../../src/agent-api/file-chunk-pool.js';

const CHUNK_BYTES = 64 * 1024;
// Far more than loopback socket buffers hold, so a client that stops reading stalls the writer.
const FILE_BYTES = 32 * 1024 * 1024;

let folder: string;
let filePath: string;

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-body-writer-'));
  filePath = path.join(folder, 'file.bin');
  fs.writeFileSync(filePath, randomBytes(FILE_BYTES));
});
afterAll(() => {
  fs.rmSync(folder, { recursive: true, force: true });
});

/** Serves one request with writeFileBody and resolves with its outcome. */
async function serveOnce(
  prepare: (handle: fs.promises.FileHandle) => Promise<void>,
  client: (port: number) => Promise<void>,
): Promise<WrittenBody> {
  const pool = new FileChunkPool(CHUNK_BYTES, 4, CHUNK_BYTES / 4, 4);
  let outcome: Promise<WrittenBody> | null = null;
  const server = http.createServer((_request, response) => {
    outcome = (async () => {
      const handle = await fs.promises.open(filePath, 'r');
      try {
        await prepare(handle);
        response.writeHead(200, { 'content-length': String(FILE_BYTES) });
        return await writeFileBody(response, handle, 0, FILE_BYTES - 1, pool);
      } finally {
        await handle.close().catch(() => undefined);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await client((server.address() as AddressInfo).port);
    for (let wait = 0; outcome === null && wait < 100; wait += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    return await (outcome as unknown as Promise<WrittenBody>);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('writeFileBody', () => {
  it('counts only what was sent before a drop', async () => {
    const result = await serveOnce(
      async () => undefined,
      (port) =>
        new Promise<void>((resolve) => {
          const request = http.get(`http://127.0.0.1:${port}/`, (response) => {
            response.once('data', () => {
              request.destroy();
              resolve();
            });
          });
          request.on('error', () => undefined);
        }),
    );

    expect(result.complete).toBe(false);
    expect(result.error).toBeNull();
    expect(result.bytes).toBeGreaterThan(0);
    expect(result.bytes).toBeLessThan(FILE_BYTES);
  });

  it('returns a read error and cuts the response', async () => {
    let clientError: string | null = null;
    const result = await serveOnce(
      // A closed handle makes the first read fail.
      (handle) => handle.close(),
      (port) =>
        new Promise<void>((resolve) => {
          const request = http.get(`http://127.0.0.1:${port}/`, (response) => {
            response.on('data', () => undefined);
            response.once('error', (error) => {
              clientError = error.message;
              resolve();
            });
            response.once('end', resolve);
          });
          request.once('error', (error) => {
            clientError = error.message;
            resolve();
          });
        }),
    );

    expect(result.complete).toBe(false);
    expect(result.error).toBeInstanceOf(Error);
    expect(result.bytes).toBe(0);
    expect(clientError).not.toBeNull();
  });
});
