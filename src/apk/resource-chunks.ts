// Structures shared by Android binary XML and resources.arsc, as laid out in
// the Android platform's ResourceTypes.h: chunk headers, string pools and
// typed values (Res_value).
import { BinaryView } from './binary-view.js';
import { MalformedDataError } from './errors.js';

export const CHUNK_STRING_POOL = 0x0001;
export const CHUNK_TABLE = 0x0002;
export const CHUNK_XML = 0x0003;
export const CHUNK_XML_START_NAMESPACE = 0x0100;
export const CHUNK_XML_END_NAMESPACE = 0x0101;
export const CHUNK_XML_START_ELEMENT = 0x0102;
export const CHUNK_XML_END_ELEMENT = 0x0103;
export const CHUNK_XML_RESOURCE_MAP = 0x0180;
export const CHUNK_TABLE_PACKAGE = 0x0200;
export const CHUNK_TABLE_TYPE = 0x0201;

const CHUNK_HEADER_SIZE = 8;
const STRING_POOL_HEADER_SIZE = 28;
const STRING_POOL_UTF8_FLAG = 0x100;

/** Marks an absent string index, such as an attribute without a namespace. */
export const NO_INDEX = 0xffffffff;

export const TYPE_NULL = 0x00;
export const TYPE_REFERENCE = 0x01;
export const TYPE_STRING = 0x03;
export const TYPE_INT_DEC = 0x10;
export const TYPE_INT_HEX = 0x11;

export interface Chunk {
  type: number;
  headerSize: number;
  /** The whole chunk, header included. */
  view: BinaryView;
}

/** A typed value: `data` is a string index, resource ID or integer depending on `type`. */
export interface ResValue {
  type: number;
  data: number;
}

export function readChunk(parent: BinaryView, offset: number): Chunk {
  const type = parent.u16(offset);
  const headerSize = parent.u16(offset + 2);
  const size = parent.u32(offset + 4);
  if (headerSize < CHUNK_HEADER_SIZE || size < headerSize) {
    throw new MalformedDataError(`chunk 0x${type.toString(16)} at offset ${offset} has header size ${headerSize} and size ${size}`);
  }
  return { type, headerSize, view: parent.view(offset, size) };
}

/**
 * Yields the chunks laid one after another from `offset` to the end of
 * `parent`, raising MalformedDataError past `maxChunks`. A generator keeps
 * memory flat even for a file made of millions of minimal chunks.
 */
export function* iterateChildChunks(parent: BinaryView, offset: number, maxChunks = Number.POSITIVE_INFINITY): Generator<Chunk> {
  let position = offset;
  let count = 0;
  while (position < parent.length) {
    count++;
    if (count > maxChunks) {
      throw new MalformedDataError(`it has more than ${maxChunks} chunks in one container`);
    }
    const chunk = readChunk(parent, position);
    yield chunk;
    position += chunk.view.length;
  }
}

/** Reads a Res_value: a 16-bit size, a reserved byte, the type byte and 32 bits of data. */
export function readResValue(view: BinaryView, offset: number): ResValue {
  return { type: view.u8(offset + 3), data: view.u32(offset + 4) };
}

/** A string pool whose strings are decoded on first use, because resources.arsc pools hold tens of thousands. */
export class StringPool {
  private readonly view: BinaryView;
  private readonly utf8: boolean;
  private readonly offsetsStart: number;
  private readonly stringsStart: number;
  private readonly decoded = new Map<number, string>();
  readonly count: number;

  constructor(chunk: Chunk) {
    if (chunk.type !== CHUNK_STRING_POOL || chunk.headerSize < STRING_POOL_HEADER_SIZE) {
      throw new MalformedDataError(`expected a string pool, found chunk 0x${chunk.type.toString(16)}`);
    }
    this.view = chunk.view;
    this.count = chunk.view.u32(8);
    this.utf8 = (chunk.view.u32(16) & STRING_POOL_UTF8_FLAG) !== 0;
    this.stringsStart = chunk.view.u32(20);
    this.offsetsStart = chunk.headerSize;
    if (this.offsetsStart + this.count * 4 > chunk.view.length) {
      throw new MalformedDataError(`string pool lists ${this.count} strings but is only ${chunk.view.length} bytes`);
    }
  }

  get(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new MalformedDataError(`string index ${index} is outside the pool of ${this.count}`);
    }
    let value = this.decoded.get(index);
    if (value === undefined) {
      const position = this.stringsStart + this.view.u32(this.offsetsStart + index * 4);
      value = this.utf8 ? this.decodeUtf8(position) : this.decodeUtf16(position);
      this.decoded.set(index, value);
    }
    return value;
  }

  /** UTF-8 entries give the UTF-16 length then the byte length, each in one byte or two when the top bit is set. */
  private decodeUtf8(position: number): string {
    const utf16Length = this.readUtf8Length(position);
    const byteLength = this.readUtf8Length(position + utf16Length.size);
    const start = position + utf16Length.size + byteLength.size;
    return this.view.bytes(start, byteLength.value).toString('utf8');
  }

  private readUtf8Length(position: number): { value: number; size: number } {
    const first = this.view.u8(position);
    if ((first & 0x80) === 0) {
      return { value: first, size: 1 };
    }
    return { value: ((first & 0x7f) << 8) | this.view.u8(position + 1), size: 2 };
  }

  /** UTF-16 entries give the length in code units, in one unit or two when the top bit is set. */
  private decodeUtf16(position: number): string {
    const first = this.view.u16(position);
    let length = first;
    let headerSize = 2;
    if ((first & 0x8000) !== 0) {
      length = ((first & 0x7fff) * 0x10000) + this.view.u16(position + 2);
      headerSize = 4;
    }
    return this.view.bytes(position + headerSize, length * 2).toString('utf16le');
  }
}
