import { describe, expect, it } from 'vitest';

import { FileChunkPool } from '../../src/agent-api/file-chunk-pool.js';

describe('file chunk pool', () => {
  it('allocates up to the maximum', () => {
    const pool = new FileChunkPool(1024, 2, 64, 4);
    const first = pool.acquire();
    const second = pool.acquire();

    expect(first.length).toBe(1024);
    expect(second.length).toBe(1024);
    expect(second).not.toBe(first);
    expect(pool.allocatedBuffers).toBe(2);
    expect(pool.buffersInUse).toBe(2);
  });

  it('gives small buffers when all are in use', () => {
    const pool = new FileChunkPool(1024, 1, 64, 4);
    pool.acquire();
    const overflow = pool.acquire();

    expect(overflow.length).toBe(64);
    expect(pool.allocatedBuffers).toBe(1);
  });

  it('reuses a released buffer', () => {
    const pool = new FileChunkPool(16, 4, 8, 4);
    const buffer = pool.acquire();
    pool.release(buffer);

    expect(pool.buffersInUse).toBe(0);
    expect(pool.acquire()).toBe(buffer);
    expect(pool.allocatedBuffers).toBe(1);
  });

  it('reuses small buffers separately', () => {
    const pool = new FileChunkPool(16, 1, 8, 4);
    const large = pool.acquire();
    const small = pool.acquire();
    pool.release(small);

    expect(pool.buffersInUse).toBe(1);
    expect(pool.spareOverflowBuffers).toBe(1);
    expect(pool.acquire()).toBe(small);

    pool.release(large);
    expect(pool.acquire()).toBe(large);
  });

  it('keeps at most the spare limit', () => {
    const pool = new FileChunkPool(16, 1, 8, 2);
    pool.acquire();
    const smalls = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const buffer of smalls) pool.release(buffer);

    expect(pool.spareOverflowBuffers).toBe(2);
  });

  it('rejects invalid sizes', () => {
    expect(() => new FileChunkPool(0, 1, 8, 1)).toThrow(/chunk size 0/);
    expect(() => new FileChunkPool(16, 0, 8, 1)).toThrow(/buffer count 0/);
    expect(() => new FileChunkPool(1.5, 1, 8, 1)).toThrow(/chunk size 1.5/);
    expect(() => new FileChunkPool(16, 1, -1, 1)).toThrow(/overflow buffer size -1/);
    expect(() => new FileChunkPool(16, 1, 8, 0)).toThrow(/spare overflow count 0/);
  });
});
