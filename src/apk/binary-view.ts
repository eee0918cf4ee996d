import { MalformedDataError } from './errors.js';

/**
 * A bounds-checked window on a buffer. Offsets are relative to the window's
 * start, and every read outside the window raises MalformedDataError instead
 * of returning garbage or a Node RangeError.
 */
export class BinaryView {
  readonly buffer: Buffer;
  readonly start: number;
  readonly length: number;

  constructor(buffer: Buffer, start = 0, length = buffer.length - start) {
    if (start < 0 || length < 0 || start + length > buffer.length) {
      throw new MalformedDataError(`window ${start}+${length} is outside ${buffer.length} bytes`);
    }
    this.buffer = buffer;
    this.start = start;
    this.length = length;
  }

  u8(offset: number): number {
    this.check(offset, 1);
    return this.buffer.readUInt8(this.start + offset);
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.buffer.readUInt16LE(this.start + offset);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.buffer.readUInt32LE(this.start + offset);
  }

  i32(offset: number): number {
    this.check(offset, 4);
    return this.buffer.readInt32LE(this.start + offset);
  }

  /** Reads a little-endian 64-bit length, which must fit in a JavaScript number. */
  u64(offset: number): number {
    this.check(offset, 8);
    const value = this.buffer.readBigUInt64LE(this.start + offset);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new MalformedDataError(`64-bit value ${value} at offset ${offset} is too large`);
    }
    return Number(value);
  }

  bytes(offset: number, length: number): Buffer {
    this.check(offset, length);
    return this.buffer.subarray(this.start + offset, this.start + offset + length);
  }

  view(offset: number, length: number): BinaryView {
    this.check(offset, length);
    return new BinaryView(this.buffer, this.start + offset, length);
  }

  private check(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || size < 0 || offset + size > this.length) {
      throw new MalformedDataError(`read of ${size} bytes at offset ${offset} runs past the end (${this.length} bytes)`);
    }
  }
}
