import { BinaryView } from './binary-view.js';
import { MalformedDataError } from './errors.js';
import { MAX_RESOURCE_TABLE_CHUNKS } from './limits.js';
import {
  CHUNK_STRING_POOL,
  CHUNK_TABLE,
  CHUNK_TABLE_PACKAGE,
  CHUNK_TABLE_TYPE,
  StringPool,
  iterateChildChunks,
  readChunk,
  readResValue,
  type Chunk,
  type ResValue,
} from './resource-chunks.js';

const TYPE_FLAG_SPARSE = 0x01;
const TYPE_FLAG_OFFSET16 = 0x02;
const ENTRY_FLAG_COMPLEX = 0x0001;
const ENTRY_FLAG_COMPACT = 0x0008;
const NO_ENTRY_32 = 0xffffffff;
const NO_ENTRY_16 = 0xffff;
/** Bytes of a type chunk's header before its ResTable_config. */
const TYPE_HEADER_FIXED_SIZE = 20;
/** Package IDs fill the top byte of a resource ID, so larger ones cannot be referred to. */
const MAX_PACKAGE_ID = 0xff;

/**
 * Resource lookup in resources.arsc, enough to turn a reference such as
 * @string/app_name into its value. Raises MalformedDataError for damaged data.
 */
export class ResourceTable {
  readonly strings: StringPool;
  private readonly packages = new Map<number, Chunk>();
  private readonly cache = new Map<number, ResValue | null>();

  constructor(buffer: Buffer) {
    const root = readChunk(new BinaryView(buffer), 0);
    if (root.type !== CHUNK_TABLE) {
      throw new MalformedDataError(`it starts with chunk type 0x${root.type.toString(16)}, not the resource table type 0x0002`);
    }
    let strings: StringPool | null = null;
    for (const chunk of iterateChildChunks(root.view, root.headerSize, MAX_RESOURCE_TABLE_CHUNKS)) {
      if (chunk.type === CHUNK_STRING_POOL) {
        strings ??= new StringPool(chunk);
      } else if (chunk.type === CHUNK_TABLE_PACKAGE) {
        const packageId = chunk.view.u32(8);
        if (packageId <= MAX_PACKAGE_ID && !this.packages.has(packageId)) {
          this.packages.set(packageId, chunk);
        }
      }
    }
    if (strings === null) {
      throw new MalformedDataError('it has no global string pool');
    }
    this.strings = strings;
  }

  /**
   * Returns the resource's value in the default configuration, or else in the
   * first configuration that defines it (a label given only under values-fr
   * still names the app). Returns null for unknown IDs and for bag resources
   * such as styles, which have no single value.
   */
  lookUp(resourceId: number): ResValue | null {
    let value = this.cache.get(resourceId);
    if (value === undefined) {
      value = this.findValue(resourceId);
      this.cache.set(resourceId, value);
    }
    return value;
  }

  private findValue(resourceId: number): ResValue | null {
    const packageId = resourceId >>> 24;
    const typeId = (resourceId >>> 16) & 0xff;
    const entryIndex = resourceId & 0xffff;
    const packageChunk = this.packages.get(packageId);
    if (packageChunk === undefined) {
      return null;
    }

    // The package's chunks are walked on each lookup instead of being stored,
    // and MAX_RESOURCE_TABLE_CHUNKS bounds each walk.
    let fallback: ResValue | null = null;
    for (const chunk of iterateChildChunks(packageChunk.view, packageChunk.headerSize, MAX_RESOURCE_TABLE_CHUNKS)) {
      if (chunk.type !== CHUNK_TABLE_TYPE || chunk.view.u8(8) !== typeId) {
        continue;
      }
      const value = readTypeEntry(chunk, entryIndex);
      if (value === null) {
        continue;
      }
      if (isDefaultConfig(chunk)) {
        return value;
      }
      fallback ??= value;
    }
    return fallback;
  }
}

function readTypeEntry(chunk: Chunk, entryIndex: number): ResValue | null {
  const view = chunk.view;
  const flags = view.u8(9);
  const entryCount = view.u32(12);
  const entriesStart = view.u32(16);
  const offsetsStart = chunk.headerSize;

  let entryOffset: number | null;
  if ((flags & TYPE_FLAG_SPARSE) !== 0) {
    entryOffset = findSparseEntry(view, offsetsStart, entryCount, entryIndex);
  } else if (entryIndex >= entryCount) {
    entryOffset = null;
  } else if ((flags & TYPE_FLAG_OFFSET16) !== 0) {
    const stored = view.u16(offsetsStart + entryIndex * 2);
    entryOffset = stored === NO_ENTRY_16 ? null : stored * 4;
  } else {
    const stored = view.u32(offsetsStart + entryIndex * 4);
    entryOffset = stored === NO_ENTRY_32 ? null : stored;
  }
  if (entryOffset === null) {
    return null;
  }

  const entry = entriesStart + entryOffset;
  const entryFlags = view.u16(entry + 2);
  if ((entryFlags & ENTRY_FLAG_COMPACT) !== 0) {
    // A compact entry keeps the value type in the flags' high byte and the data where the key would be.
    return { type: entryFlags >>> 8, data: view.u32(entry + 4) };
  }
  if ((entryFlags & ENTRY_FLAG_COMPLEX) !== 0) {
    return null;
  }
  return readResValue(view, entry + view.u16(entry));
}

/** Sparse types list (entry index, offset / 4) pairs sorted by index, so a binary search finds the entry. */
function findSparseEntry(view: BinaryView, offsetsStart: number, pairCount: number, entryIndex: number): number | null {
  let low = 0;
  let high = pairCount - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const index = view.u16(offsetsStart + middle * 4);
    if (index === entryIndex) {
      return view.u16(offsetsStart + middle * 4 + 2) * 4;
    }
    if (index < entryIndex) {
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return null;
}

/** Checks for the default configuration: a ResTable_config whose fields after its size are all zero. */
function isDefaultConfig(chunk: Chunk): boolean {
  const configSize = chunk.view.u32(TYPE_HEADER_FIXED_SIZE);
  if (configSize < 4 || TYPE_HEADER_FIXED_SIZE + configSize > chunk.headerSize) {
    throw new MalformedDataError(`type chunk has a configuration of ${configSize} bytes in a ${chunk.headerSize}-byte header`);
  }
  const fields = chunk.view.bytes(TYPE_HEADER_FIXED_SIZE + 4, configSize - 4);
  return fields.every((byte) => byte === 0);
}
