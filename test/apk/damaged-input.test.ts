// Seeded random damage to a real signed APK and to the parts inside it. Each
// damaged input must give an ApkInfo or an ApkError (MalformedDataError from
// the lower-level parsers), never another exception or a hang.
import { open, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { ApkError, MalformedDataError } from '../../src/apk/errors.js';
import { readApk } from '../../src/apk/index.js';
import { extractSignerCertificate } from '../../src/apk/jar-signature.js';
import { readManifestValues, resolveManifest } from '../../src/apk/manifest.js';
import { ResourceTable } from '../../src/apk/resource-table.js';
import { readCertificateNames } from '../../src/apk/x509.js';
import { readZipDirectory, readZipEntry } from '../../src/apk/zip.js';
import { buildApk, removeBuiltApks, tempPath } from '../support/apk-builder.js';

afterAll(removeBuiltApks);

const ROUNDS = 1000;
const FUZZ_TIMEOUT_MS = 30_000;

/** mulberry32: a small seeded generator, so a failing round can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** Flips bytes, overwrites a 32-bit field with an extreme value, or cuts the data short. */
function damage(original: Buffer, random: () => number): Buffer {
  const pick = (limit: number): number => Math.floor(random() * limit);
  const copy = Buffer.from(original);
  const kind = pick(3);
  if (kind === 0) {
    const flips = 1 + pick(8);
    for (let index = 0; index < flips; index++) {
      copy[pick(copy.length)] = pick(256);
    }
    return copy;
  }
  if (kind === 1) {
    const extremes = [0, 0xffffffff, 0x7fffffff, 0x80000000, pick(0x10000)];
    const offset = pick(copy.length - 4);
    copy.writeUInt32LE(extremes[pick(extremes.length)] ?? 0, offset);
    return copy;
  }
  return copy.subarray(0, pick(copy.length));
}

function expectOnly(run: () => unknown, allowed: Array<new (...args: never[]) => Error>, round: number): void {
  try {
    run();
  } catch (error) {
    const isAllowed = allowed.some((type) => error instanceof type);
    expect(isAllowed, `round ${round}: ${String(error)}`).toBe(true);
  }
}

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

describe('damaged input', () => {
  let apkPath: string;
  let apk: Buffer;

  beforeAll(async () => {
    apkPath = await buildApk({
      packageName: 'org.dhis2.outpost.fuzz',
      versionCode: 7,
      versionName: '7.0',
      minSdk: 21,
      label: 'Fuzz target',
      keyName: 'fuzz',
    });
    apk = await readFile(apkPath);
  });

  test('whole APK gives ApkInfo or ApkError', { timeout: FUZZ_TIMEOUT_MS }, async () => {
    const random = seededRandom(1);
    const damagedPath = tempPath('damaged.apk');
    const codes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      await writeFile(damagedPath, damage(apk, random));
      try {
        await readApk(damagedPath);
      } catch (error) {
        expect(error, `round ${round}: ${String(error)}`).toBeInstanceOf(ApkError);
        codes.add((error as ApkError).code);
      }
    }
    // Damage must reach past the ZIP reader for the test to mean anything.
    expect(codes.size).toBeGreaterThan(2);
  });

  test('manifest parser raises only ApkError', { timeout: FUZZ_TIMEOUT_MS }, async () => {
    const manifest = await readEntry(apkPath, 'AndroidManifest.xml');
    const random = seededRandom(2);
    for (let round = 0; round < ROUNDS; round++) {
      expectOnly(() => resolveManifest(readManifestValues(damage(manifest, random)), null), [ApkError], round);
    }
  });

  test('resource table raises only MalformedDataError', { timeout: FUZZ_TIMEOUT_MS }, async () => {
    const manifest = readManifestValues(await readEntry(apkPath, 'AndroidManifest.xml'));
    const table = await readEntry(apkPath, 'resources.arsc');
    expect(manifest.label?.kind).toBe('reference');
    const labelId = manifest.label?.kind === 'reference' ? manifest.label.resourceId : 0;
    const random = seededRandom(3);
    for (let round = 0; round < ROUNDS; round++) {
      expectOnly(() => new ResourceTable(damage(table, random)).lookUp(labelId), [MalformedDataError], round);
      expectOnly(() => resolveManifest(manifest, new ResourceTable(damage(table, random))), [MalformedDataError, ApkError], round);
    }
  });

  test('PKCS#7 and certificate readers raise only MalformedDataError', { timeout: FUZZ_TIMEOUT_MS }, async () => {
    const signature = await readEntry(apkPath, 'META-INF/SIGNER.RSA');
    const certificate = extractSignerCertificate(signature);
    const random = seededRandom(4);
    for (let round = 0; round < ROUNDS; round++) {
      expectOnly(() => extractSignerCertificate(damage(signature, random)), [MalformedDataError], round);
      expectOnly(() => readCertificateNames(damage(certificate, random)), [MalformedDataError], round);
    }
  });
});
