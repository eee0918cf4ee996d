import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

import type { FileChunkPool } from './file-chunk-pool.js';

/** Outcome of sending a file body. */
export interface WrittenBody {
  /** Bytes the socket accepted; on a dropped connection, those accepted before the drop. */
  bytes: number;
  /** True when the whole range was written. */
  complete: boolean;
  /** The read error that cut the body short, if any. */
  error: Error | null;
}

/**
 * Writes bytes `start`..`end` (inclusive) of an open file to a response
 * whose headers are set. Each chunk is read into a pooled buffer and written
 * with its callback awaited before the buffer goes back to the pool, so a
 * buffer is never reused while the socket still references it. Stops early when
 * the client drops the connection. A read error destroys the response,
 * because the status line has already gone out, and is returned.
 */
export async function writeFileBody(
  response: ServerResponse,
  file: FileHandle,
  start: number,
  end: number,
  pool: FileChunkPool,
): Promise<WrittenBody> {
  let position = start;
  let written = 0;
  while (position <= end) {
    if (response.destroyed) return { bytes: written, complete: false, error: null };
    const buffer = pool.acquire();
    let accepted = false;
    let length = 0;
    try {
      const readLength = Math.min(buffer.length, end - position + 1);
      const { bytesRead } = await file.read(buffer, 0, readLength, position);
      if (bytesRead === 0) throw new Error(`The file ended at byte ${position}, before the ${end + 1} bytes its size promised.`);
      length = bytesRead;
      accepted = await writeChunk(response, buffer.subarray(0, bytesRead));
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      response.destroy(error);
      return { bytes: written, complete: false, error };
    } finally {
      pool.release(buffer);
    }
    if (!accepted) return { bytes: written, complete: false, error: null };
    written += length;
    position += length;
  }
  response.end();
  return { bytes: written, complete: true, error: null };
}

/**
 * Writes one chunk and resolves once the socket has taken all of it (true)
 * or the connection closed first (false). Node calls no write callback on
 * a socket that is already destroyed, hence the close listener.
 */
function writeChunk(response: ServerResponse, chunk: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    response.once('close', onClose);
    response.write(chunk, (error) => {
      response.off('close', onClose);
      resolve(!error);
    });
  });
}
