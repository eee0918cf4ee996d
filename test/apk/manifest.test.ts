import { open } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { ApkError } from '../../src/apk/errors.js';
import { readManifestValues, resolveManifest } from '../../src/apk/manifest.js';
import { readZipDirectory, readZipEntry } from '../../src/apk/zip.js';
import { buildApk, removeBuiltApks } from '../support/apk-builder.js';

afterAll(removeBuiltApks);

const STRING_POOL_HEADER_SIZE = 28;
const RESOURCE_MAP_CHUNK = 0x0180;

/** Returns one entry of an APK, read with the module's own ZIP reader. */
async function readEntry(apkPath: string, name: string): Promise<Buffer> {
  const file = await open(apkPath, 'r');
  try {
    const directory = await readZipDirectory(file, (await file.stat()).size);
    const entry = directory.entries.find((candidate) => candidate.name === name);
    if (entry === undefined) {
      throw new Error(`${apkPath} has no ${name}`);
    }
    return await readZipEntry(file, directory, entry, { description: name, maxBytes: 1 << 20, damagedCode: 'unreadable' });
  } finally {
    await file.close();
  }
}

function encodeUtf8Length(length: number): number[] {
  return length < 0x80 ? [length] : [0x80 | (length >> 8), length & 0xff];
}

/**
 * Rebuilds the string pool of an aapt manifest (UTF-16, no styles) in UTF-8
 * or UTF-16, optionally renaming strings, and returns the patched document.
 */
function rewriteStringPool(axml: Buffer, utf8: boolean, renames: Record<string, string> = {}): Buffer {
  const poolStart = axml.readUInt16LE(2);
  const poolHeaderSize = axml.readUInt16LE(poolStart + 2);
  const poolSize = axml.readUInt32LE(poolStart + 4);
  const count = axml.readUInt32LE(poolStart + 8);
  const flags = axml.readUInt32LE(poolStart + 16);
  const stringsStart = axml.readUInt32LE(poolStart + 20);
  expect(flags & 0x100).toBe(0);
  expect(axml.readUInt32LE(poolStart + 12)).toBe(0);

  const strings: string[] = [];
  for (let index = 0; index < count; index++) {
    const position = poolStart + stringsStart + axml.readUInt32LE(poolStart + poolHeaderSize + index * 4);
    const length = axml.readUInt16LE(position);
    const text = axml.toString('utf16le', position + 2, position + 2 + length * 2);
    strings.push(renames[text] ?? text);
  }

  const offsets = Buffer.alloc(count * 4);
  const data: Buffer[] = [];
  let dataLength = 0;
  strings.forEach((text, index) => {
    offsets.writeUInt32LE(dataLength, index * 4);
    let encoded: Buffer;
    if (utf8) {
      const bytes = Buffer.from(text, 'utf8');
      encoded = Buffer.concat([Buffer.from([...encodeUtf8Length(text.length), ...encodeUtf8Length(bytes.length)]), bytes, Buffer.from([0])]);
    } else {
      const length = Buffer.alloc(2);
      length.writeUInt16LE(text.length);
      encoded = Buffer.concat([length, Buffer.from(text, 'utf16le'), Buffer.alloc(2)]);
    }
    data.push(encoded);
    dataLength += encoded.length;
  });
  data.push(Buffer.alloc((4 - (dataLength % 4)) % 4));

  const body = Buffer.concat([offsets, ...data]);
  const header = Buffer.alloc(STRING_POOL_HEADER_SIZE);
  header.writeUInt16LE(0x0001, 0);
  header.writeUInt16LE(STRING_POOL_HEADER_SIZE, 2);
  header.writeUInt32LE(STRING_POOL_HEADER_SIZE + body.length, 4);
  header.writeUInt32LE(count, 8);
  header.writeUInt32LE(utf8 ? flags | 0x100 : flags, 16);
  header.writeUInt32LE(STRING_POOL_HEADER_SIZE + offsets.length, 20);
  return replaceRange(axml, poolStart, poolStart + poolSize, Buffer.concat([header, body]));
}

/** Removes the resource map chunk that follows the string pool. */
function dropResourceMap(axml: Buffer): Buffer {
  const poolStart = axml.readUInt16LE(2);
  const mapStart = poolStart + axml.readUInt32LE(poolStart + 4);
  expect(axml.readUInt16LE(mapStart)).toBe(RESOURCE_MAP_CHUNK);
  return replaceRange(axml, mapStart, mapStart + axml.readUInt32LE(mapStart + 4), Buffer.alloc(0));
}

/** Splices a byte range of the document and fixes the root chunk's size. */
function replaceRange(axml: Buffer, start: number, end: number, replacement: Buffer): Buffer {
  const result = Buffer.concat([axml.subarray(0, start), replacement, axml.subarray(end)]);
  result.writeUInt32LE(result.length, 4);
  return result;
}

describe('readManifestValues', () => {
  let manifest: Buffer;

  beforeAll(async () => {
    const apk = await buildApk({
      packageName: 'org.dhis2.outpost.xml',
      versionCode: 42,
      versionName: '4.2-β',
      minSdk: 21,
      targetSdk: 33,
      sign: false,
    });
    manifest = await readEntry(apk, 'AndroidManifest.xml');
  });

  const expected = {
    packageName: 'org.dhis2.outpost.xml',
    versionCode: 42,
    versionName: '4.2-β',
    minSdk: 21,
    targetSdk: 33,
    label: null,
  };

  test('UTF-16 string pool from aapt', () => {
    expect(resolveManifest(readManifestValues(manifest), null)).toEqual(expected);
  });

  test('UTF-8 string pool', () => {
    const utf8 = rewriteStringPool(manifest, true);
    expect(utf8.equals(manifest)).toBe(false);
    expect(resolveManifest(readManifestValues(utf8), null)).toEqual(expected);
  });

  test('attributes matched by resource ID, not name', () => {
    const renamed = rewriteStringPool(manifest, false, { versionCode: 'vc', versionName: 'vn', minSdkVersion: 'ms' });
    expect(resolveManifest(readManifestValues(renamed), null)).toEqual(expected);
  });

  test('attributes matched by name without a resource map', () => {
    expect(resolveManifest(readManifestValues(dropResourceMap(manifest)), null)).toEqual(expected);
  });

  test('every truncation raises invalid_manifest', () => {
    for (let length = 0; length < manifest.length; length++) {
      let caught: unknown = null;
      try {
        readManifestValues(manifest.subarray(0, length));
      } catch (error) {
        caught = error;
      }
      expect(caught, `prefix of ${length} bytes`).toBeInstanceOf(ApkError);
      expect((caught as ApkError).code).toBe('invalid_manifest');
    }
  });

  test('invalid package name raises invalid_manifest', () => {
    const renamed = rewriteStringPool(manifest, false, { 'org.dhis2.outpost.xml': 'org..bad' });
    expect(() => readManifestValues(renamed)).toThrow(/not a valid Android package name/);
  });
});
