import type { FileHandle } from 'node:fs/promises';
import { crc32, inflateRaw } from 'node:zlib';

import { BinaryView } from './binary-view.js';
import { ApkError, MalformedDataError, type ApkErrorCode } from './errors.js';
import { MAX_CENTRAL_DIRECTORY_BYTES, MAX_ZIP_ENTRIES } from './limits.js';

const END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
const END_OF_CENTRAL_DIRECTORY_SIZE = 22;
const MAX_ZIP_COMMENT_BYTES = 0xffff;
const CENTRAL_FILE_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_FILE_HEADER_SIZE = 46;
const LOCAL_FILE_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_FILE_HEADER_SIZE = 30;
const FLAG_ENCRYPTED = 0x0001;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;

/**
 * Bytes a deflated entry may exceed its size limit by. Deflate stores
 * incompressible data in blocks of at most 64 KiB with 5 header bytes each,
 * so an entry within the limit never compresses to more than this above it.
 */
const DEFLATE_OVERHEAD_ALLOWANCE = 64 * 1024;

const REUPLOAD_ADVICE = 'Upload the complete .apk file again.';

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  fileSize: number;
  centralDirectoryOffset: number;
  entries: ZipEntry[];
}

export interface ReadEntryOptions {
  /** Words naming the entry in error messages, such as "AndroidManifest.xml". */
  description: string;
  maxBytes: number;
  /** Error code for entry data that is present but damaged. */
  damagedCode: ApkErrorCode;
}

/** Reads exactly `length` bytes at `position`; a short read means the file shrank while it was read. */
export async function readExactly(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) {
      throw new ApkError('truncated', `The file ended early while it was being read. ${REUPLOAD_ADVICE}`);
    }
    filled += bytesRead;
  }
  return buffer;
}

/**
 * Reads the ZIP central directory with positioned reads: the end record from
 * the file's last 64 KiB, then the directory it points to.
 * NOTE: ZIP64 archives are rejected. APKs rarely reach its triggers of 4 GiB or 65,535 entries.
 */
export async function readZipDirectory(file: FileHandle, fileSize: number): Promise<ZipDirectory> {
  if (fileSize === 0) {
    throw new ApkError('not_zip', 'The file is empty. Upload the .apk file built for Android.');
  }

  const tailLength = Math.min(fileSize, END_OF_CENTRAL_DIRECTORY_SIZE + MAX_ZIP_COMMENT_BYTES);
  const tailStart = fileSize - tailLength;
  const tail = await readExactly(file, tailStart, tailLength);
  const endOffset = findEndOfCentralDirectory(tail);
  if (endOffset < 0) {
    throw await missingEndRecordError(file, fileSize);
  }

  const end = new BinaryView(tail, endOffset, END_OF_CENTRAL_DIRECTORY_SIZE);
  const diskNumber = end.u16(4);
  const directoryDisk = end.u16(6);
  const entriesOnDisk = end.u16(8);
  const entryCount = end.u16(10);
  const directorySize = end.u32(12);
  const directoryOffset = end.u32(16);

  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw new ApkError(
      'unreadable',
      'The file is a ZIP64 archive, which this server does not read. Build the APK with the Android build tools and upload it again.',
    );
  }
  if (diskNumber !== 0 || directoryDisk !== 0 || entriesOnDisk !== entryCount) {
    throw new ApkError('unreadable', 'The file is one part of a split ZIP archive. Upload the single .apk file built for Android.');
  }
  if (directoryOffset + directorySize > tailStart + endOffset) {
    throw new ApkError('truncated', `The file is incomplete or damaged: its ZIP central directory lies outside the file. ${REUPLOAD_ADVICE}`);
  }
  if (entryCount > MAX_ZIP_ENTRIES || directorySize > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw new ApkError(
      'too_large',
      `The APK lists ${entryCount} files in ${directorySize} bytes of ZIP directory, more than the ${MAX_ZIP_ENTRIES} files or ${MAX_CENTRAL_DIRECTORY_BYTES} bytes this server reads.`,
    );
  }

  const directory = await readExactly(file, directoryOffset, directorySize);
  let entries: ZipEntry[];
  try {
    entries = parseCentralDirectory(new BinaryView(directory), entryCount);
  } catch (error) {
    if (error instanceof MalformedDataError) {
      throw new ApkError('unreadable', `The APK's ZIP central directory is damaged (${error.message}). ${REUPLOAD_ADVICE}`, {
        cause: error,
      });
    }
    throw error;
  }
  return { fileSize, centralDirectoryOffset: directoryOffset, entries };
}

/** Reads and inflates one entry, checking its size against the directory, the limit and its CRC-32. */
export async function readZipEntry(
  file: FileHandle,
  directory: ZipDirectory,
  entry: ZipEntry,
  options: ReadEntryOptions,
): Promise<Buffer> {
  const { description, maxBytes, damagedCode } = options;
  const tooLarge = (): ApkError =>
    new ApkError(
      'too_large',
      `${description} in the APK inflates to more than ${maxBytes} bytes, the limit this server reads. The file is damaged or built to exhaust memory; rebuild the APK and upload it again.`,
    );
  const damaged = (detail: string, cause?: unknown): ApkError =>
    new ApkError(damagedCode, `${description} in the APK is damaged: ${detail}. Rebuild the APK and upload it again.`, { cause });

  if ((entry.flags & FLAG_ENCRYPTED) !== 0) {
    throw new ApkError('unreadable', `${description} in the APK is encrypted, which Android does not allow. Upload an APK built without ZIP encryption.`);
  }
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
    throw damaged(`it uses ZIP compression method ${entry.method}, but Android reads only stored and deflated entries`);
  }
  if (entry.uncompressedSize > maxBytes || entry.compressedSize > maxBytes + DEFLATE_OVERHEAD_ALLOWANCE) {
    throw tooLarge();
  }
  if (entry.method === METHOD_STORED && entry.compressedSize !== entry.uncompressedSize) {
    throw damaged('a stored entry has different compressed and uncompressed sizes');
  }

  const localHeader = await readExactly(file, entry.localHeaderOffset, LOCAL_FILE_HEADER_SIZE);
  if (localHeader.readUInt32LE(0) !== LOCAL_FILE_HEADER_SIGNATURE) {
    throw damaged('its local file header is missing');
  }
  const dataStart = entry.localHeaderOffset + LOCAL_FILE_HEADER_SIZE + localHeader.readUInt16LE(26) + localHeader.readUInt16LE(28);
  if (dataStart + entry.compressedSize > directory.centralDirectoryOffset) {
    throw new ApkError('truncated', `${description} runs past the end of the APK's file data. ${REUPLOAD_ADVICE}`);
  }
  const stored = await readExactly(file, dataStart, entry.compressedSize);

  let data: Buffer;
  if (entry.method === METHOD_STORED) {
    data = stored;
  } else {
    try {
      data = await inflateBounded(stored, maxBytes);
    } catch (error) {
      if (errorCode(error) === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge();
      }
      throw damaged('its deflate data is invalid', error);
    }
  }

  if (data.length !== entry.uncompressedSize) {
    throw damaged(`it inflates to ${data.length} bytes, not the ${entry.uncompressedSize} bytes the ZIP directory lists`);
  }
  if (crc32(data) !== entry.crc32) {
    throw damaged('its CRC-32 checksum does not match');
  }
  return data;
}

/** Returns the offset of the end record within `tail`, or -1. The record's comment must reach exactly to the end of the file. */
function findEndOfCentralDirectory(tail: Buffer): number {
  for (let offset = tail.length - END_OF_CENTRAL_DIRECTORY_SIZE; offset >= 0; offset--) {
    if (tail.readUInt32LE(offset) !== END_OF_CENTRAL_DIRECTORY_SIGNATURE) {
      continue;
    }
    const commentLength = tail.readUInt16LE(offset + 20);
    if (offset + END_OF_CENTRAL_DIRECTORY_SIZE + commentLength === tail.length) {
      return offset;
    }
  }
  return -1;
}

/** Chooses between 'truncated' and 'not_zip': a ZIP file begins with a local file header, so one without an end record was most likely cut short. */
async function missingEndRecordError(file: FileHandle, fileSize: number): Promise<ApkError> {
  if (fileSize >= 4) {
    const head = await readExactly(file, 0, 4);
    if (head.readUInt32LE(0) === LOCAL_FILE_HEADER_SIGNATURE) {
      return new ApkError(
        'truncated',
        `The file starts like an APK but has no ZIP end record, so it is incomplete or has extra bytes appended. ${REUPLOAD_ADVICE}`,
      );
    }
  }
  return new ApkError('not_zip', 'The file is not an APK: it has no ZIP central directory. Upload the .apk file built for Android.');
}

function parseCentralDirectory(view: BinaryView, entryCount: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let offset = 0;
  for (let index = 0; index < entryCount; index++) {
    if (view.u32(offset) !== CENTRAL_FILE_HEADER_SIGNATURE) {
      throw new MalformedDataError(`entry ${index} has no central file header signature`);
    }
    const nameLength = view.u16(offset + 28);
    const extraLength = view.u16(offset + 30);
    const commentLength = view.u16(offset + 32);
    entries.push({
      flags: view.u16(offset + 8),
      method: view.u16(offset + 10),
      crc32: view.u32(offset + 16),
      compressedSize: view.u32(offset + 20),
      uncompressedSize: view.u32(offset + 24),
      localHeaderOffset: view.u32(offset + 42),
      name: view.bytes(offset + CENTRAL_FILE_HEADER_SIZE, nameLength).toString('utf8'),
    });
    offset += CENTRAL_FILE_HEADER_SIZE + nameLength + extraLength + commentLength;
  }
  return entries;
}

function inflateBounded(data: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    inflateRaw(data, { maxOutputLength: maxBytes }, (error, result) => {
      if (error) {
        reject(error);
      } else {
        resolve(result);
      }
    });
  });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
