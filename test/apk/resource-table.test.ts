import { open } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';

import { MAX_RESOURCE_TABLE_BYTES } from '../../src/apk/limits.js';
import { TYPE_STRING } from '../../src/apk/resource-chunks.js';
import { ResourceTable } from '../../src/apk/resource-table.js';
import { readZipDirectory, readZipEntry } from '../../src/apk/zip.js';

/** Android 10's framework resources from Debian: a 31 MB table with translations into many languages. */
const FRAMEWORK_RES_APK = '/usr/share/android-framework-res/framework-res.apk';
const STRING_CANCEL = 0x01040000;
const STRING_OK = 0x0104000a;

describe('ResourceTable on framework-res.apk', () => {
  let table: ResourceTable;

  beforeAll(async () => {
    const file = await open(FRAMEWORK_RES_APK, 'r');
    try {
      const directory = await readZipDirectory(file, (await file.stat()).size);
      const entry = directory.entries.find((candidate) => candidate.name === 'resources.arsc');
      expect(entry).toBeDefined();
      if (entry !== undefined) {
        const bytes = await readZipEntry(file, directory, entry, {
          description: 'resources.arsc',
          maxBytes: MAX_RESOURCE_TABLE_BYTES,
          damagedCode: 'unreadable',
        });
        table = new ResourceTable(bytes);
      }
    } finally {
      await file.close();
    }
  });

  test('default-configuration strings', () => {
    const ok = table.lookUp(STRING_OK);
    const cancel = table.lookUp(STRING_CANCEL);
    expect(ok?.type).toBe(TYPE_STRING);
    expect(cancel?.type).toBe(TYPE_STRING);
    expect(table.strings.get(ok?.data ?? -1)).toBe('OK');
    expect(table.strings.get(cancel?.data ?? -1)).toBe('Cancel');
  });

  test('unknown IDs give null', () => {
    expect(table.lookUp(0x7f010000)).toBeNull();
    expect(table.lookUp(0x0104ffff)).toBeNull();
    expect(table.lookUp(0x01ff0000)).toBeNull();
  });
});
