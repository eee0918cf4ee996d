/**
 * Reusable buffers for file downloads. A download uses one buffer at a
 * time, to read a chunk from disk and write it to the socket. Up to
 * `maxBuffers` large buffers are kept and reused. When all of them are in
 * use, for example by phones on slow links whose sockets drain slowly, a
 * download takes a small buffer instead of waiting, so no download stalls
 * behind another. Small buffers are reused too, and at most
 * `maxSpareOverflow` of them are kept when unused, so a burst of downloads
 * leaves no garbage behind. Memory is therefore at most
 * `maxBuffers × chunkBytes` plus `overflowBytes` per download beyond that.
 */
export class FileChunkPool {
  private readonly free: Buffer[] = [];
  private readonly spareOverflow: Buffer[] = [];
  private readonly large = new WeakSet<Buffer>();
  private allocated = 0;
  private inUse = 0;

  constructor(
    readonly chunkBytes: number,
    readonly maxBuffers: number,
    readonly overflowBytes: number,
    readonly maxSpareOverflow: number,
  ) {
    for (const [name, value] of [
      ['chunk size', chunkBytes],
      ['buffer count', maxBuffers],
      ['overflow buffer size', overflowBytes],
      ['spare overflow count', maxSpareOverflow],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`Invalid ${name} ${value}: expected a positive integer.`);
    }
  }

  /** Returns a free large buffer, a new one while fewer than maxBuffers exist, or else a small one. */
  acquire(): Buffer {
    const reused = this.free.pop();
    if (reused) {
      this.inUse += 1;
      return reused;
    }
    if (this.allocated < this.maxBuffers) {
      this.allocated += 1;
      this.inUse += 1;
      // Outside Node's shared small-buffer pool, and uninitialised, because every use overwrites it.
      const buffer = Buffer.allocUnsafeSlow(this.chunkBytes);
      this.large.add(buffer);
      return buffer;
    }
    return this.spareOverflow.pop() ?? Buffer.allocUnsafeSlow(this.overflowBytes);
  }

  /** Takes back a buffer from acquire(); the caller must not touch it afterwards. */
  release(buffer: Buffer): void {
    if (this.large.has(buffer)) {
      this.inUse -= 1;
      this.free.push(buffer);
    } else if (this.spareOverflow.length < this.maxSpareOverflow) {
      this.spareOverflow.push(buffer);
    }
  }

  /** Large buffers allocated so far; never more than maxBuffers. */
  get allocatedBuffers(): number {
    return this.allocated;
  }

  /** Large buffers in use right now. */
  get buffersInUse(): number {
    return this.inUse;
  }

  /** Small buffers kept for reuse right now. */
  get spareOverflowBuffers(): number {
    return this.spareOverflow.length;
  }
}
