import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { ApkError, readApk, toUrlSafeBase64, type ApkErrorCode, type ApkInfo } from '../../src/apk/index.js';
import { MAX_MANIFEST_BYTES } from '../../src/apk/limits.js';
import { buildApk, removeBuiltApks, tempPath, verifyWithApksigner, writeZip } from '../support/apk-builder.js';
import { FIXTURE_APK as fixtureApkPath } from '../support/fixtures.js';

afterAll(removeBuiltApks);

const testDir = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE_APK = fixtureApkPath;

/** Bad inputs must be rejected from the ZIP directory and a few small reads, well within this. */
const QUICK_MS = 5_000;

async function expectApkError(filePath: string, code: ApkErrorCode): Promise<ApkError> {
  const error = await readApk(filePath).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApkError);
  const apkError = error as ApkError;
  expect(apkError.code, apkError.message).toBe(code);
  expect(apkError.message).toMatch(/\.$/);
  return apkError;
}

describe('readApk on the Gradle-built fixture', () => {
  let info: ApkInfo;

  beforeAll(async () => {
    info = await readApk(FIXTURE_APK);
  });

  test('package name', () => {
    expect(info.packageName).toBe('io.appium.settings');
  });

  test('versionCode and versionName', () => {
    expect(info.versionCode).toBe(192);
    expect(info.versionName).toBe('8.0.10');
  });

  test('min and target SDK', () => {
    expect(info.minSdk).toBe(26);
    expect(info.targetSdk).toBe(35);
  });

  test('label resolved through resources.arsc', () => {
    expect(info.label).toBe('Appium Settings');
  });

  test('signature schemes are v2 only', () => {
    expect(info.signatureSchemes).toEqual(['v2']);
  });

  test('signer certificate subject', () => {
    expect(info.signerCertSubject).toBe('C=US, O=Android, CN=Android Debug');
  });

  test('signer certificate SHA-256', () => {
    expect(info.signerCertSha256).toBe('680dbbc39ab0944796c811b636ace510c8e551317087036cebab0751b0a6190c');
    expect(toUrlSafeBase64(info.signerCertSha256)).toBe('aA27w5qwlEeWyBG2NqzlEMjlUTFwhwNs66sHUbCmGQw=');
  });

  test('file SHA-256', () => {
    expect(info.fileSha256).toBe('4c5d60ab5ae56502857dc625e1dde2996fa6d9e64c479bbce59214774e2129dd');
    expect(toUrlSafeBase64(info.fileSha256)).toBe('TF1gq1rlZQKFfcYl4d3imW-m2eZMR5u85ZIUd04hKd0=');
  });

  test('size', () => {
    expect(info.size).toBe(3_076_294);
  });
});

describe('toUrlSafeBase64', () => {
  test('uses - and _ and keeps padding', () => {
    expect(toUrlSafeBase64('fbff')).toBe('-_8=');
    expect(toUrlSafeBase64('')).toBe('');
  });

  test('rejects invalid hex', () => {
    expect(() => toUrlSafeBase64('abc')).toThrow(RangeError);
    expect(() => toUrlSafeBase64('zz')).toThrow(RangeError);
  });
});

describe('readApk on APKs built with aapt and apksigner', () => {
  test('versionCode and versionName read back', async () => {
    const versions = [
      { versionCode: 9, versionName: '1.9' },
      { versionCode: 10, versionName: '1.10' },
      { versionCode: 100, versionName: '2.3.1-rc1' },
    ];
    for (const version of versions) {
      const apk = await buildApk({ packageName: 'org.dhis2.outpost.sample', ...version });
      const info = await readApk(apk);
      expect(info.packageName).toBe('org.dhis2.outpost.sample');
      expect(info.versionCode).toBe(version.versionCode);
      expect(info.versionName).toBe(version.versionName);
    }
  });

  test('SDK levels and label', async () => {
    const apk = await buildApk({
      packageName: 'org.dhis2.outpost.labels',
      versionCode: 3,
      versionName: '3',
      minSdk: 23,
      targetSdk: 34,
      label: 'Capture – Ünïcode "quoted"',
    });
    const info = await readApk(apk);
    expect(info.minSdk).toBe(23);
    expect(info.targetSdk).toBe(34);
    expect(info.label).toBe('Capture – Ünïcode "quoted"');
  });

  test('long label with multi-byte string lengths', async () => {
    const label = `Ministère de la Santé ${'ü'.repeat(300)}`;
    const info = await readApk(await buildApk({ packageName: 'org.dhis2.outpost.long', versionCode: 1, versionName: '1', label }));
    expect(info.label).toBe(label);
  });

  test('versionName as a resource reference', async () => {
    const apk = await buildApk({
      packageName: 'org.dhis2.outpost.refname',
      versionCode: 12,
      versionName: '1.12-referenced',
      versionNameAsResource: true,
      label: 'Referenced',
    });
    const info = await readApk(apk);
    expect(info.versionName).toBe('1.12-referenced');
    expect(info.label).toBe('Referenced');
  });

  test('versionCodeMajor forms the long version code', async () => {
    const apk = await buildApk({ packageName: 'org.dhis2.outpost.major', versionCode: 5, versionCodeMajor: 1, versionName: '1' });
    const info = await readApk(apk);
    expect(info.versionCode).toBe(2 ** 32 + 5);
  });

  test('absent uses-sdk and label read as null', async () => {
    const info = await readApk(await buildApk({ packageName: 'org.dhis2.outpost.bare', versionCode: 1, versionName: '1' }));
    expect(info.minSdk).toBeNull();
    expect(info.targetSdk).toBeNull();
    expect(info.label).toBeNull();
  });

  test('same keyName gives the same signer', async () => {
    const first = await readApk(await buildApk({ packageName: 'org.dhis2.outpost.a', versionCode: 1, versionName: '1', keyName: 'alpha' }));
    const second = await readApk(await buildApk({ packageName: 'org.dhis2.outpost.b', versionCode: 2, versionName: '2', keyName: 'alpha' }));
    expect(second.signerCertSha256).toBe(first.signerCertSha256);
  });

  test('different keyNames give different signers', async () => {
    const alpha = await readApk(await buildApk({ packageName: 'org.dhis2.outpost.a', versionCode: 1, versionName: '1', keyName: 'alpha' }));
    const beta = await readApk(await buildApk({ packageName: 'org.dhis2.outpost.a', versionCode: 1, versionName: '1', keyName: 'beta' }));
    expect(beta.signerCertSha256).not.toBe(alpha.signerCertSha256);
    expect(alpha.signerCertSubject).toBe('CN=alpha, O=Outpost, C=ZZ');
    expect(beta.signerCertSubject).toBe('CN=beta, O=Outpost, C=ZZ');
  });

  test('default apksigner schemes at minSdk 21', async () => {
    const apk = await buildApk({ packageName: 'org.dhis2.outpost.schemes', versionCode: 1, versionName: '1', minSdk: 21 });
    const info = await readApk(apk);
    const report = await verifyWithApksigner(apk);
    expect(report.schemes).toEqual(['v1', 'v2', 'v3']);
    expect(info.signatureSchemes).toEqual(report.schemes);
    expect(info.signerCertSha256).toBe(report.certSha256);
    expect(info.signerCertSubject).toBe(report.certDn);
  });

  // apksigner verifies a scheme only for the Android versions that use it, so
  // each APK is verified from the lowest level of its oldest scheme.
  test.each([
    { schemes: ['v1', 'v2', 'v3'], minSdk: 18 },
    { schemes: ['v1', 'v2'], minSdk: 18 },
    { schemes: ['v2', 'v3'], minSdk: 24 },
    { schemes: ['v2'], minSdk: 24 },
  ] as const)('requested schemes $schemes match apksigner', async ({ schemes, minSdk }) => {
    const apk = await buildApk({ packageName: 'org.dhis2.outpost.schemes', versionCode: 1, versionName: '1', minSdk, schemes: [...schemes] });
    const info = await readApk(apk);
    const report = await verifyWithApksigner(apk, minSdk);
    expect(report.schemes).toEqual(schemes);
    expect(info.signatureSchemes).toEqual(schemes);
    expect(info.signerCertSha256).toBe(report.certSha256);
  });

  test('v1 only with an EC key', async () => {
    const apk = await buildApk({
      packageName: 'org.dhis2.outpost.jar',
      versionCode: 1,
      versionName: '1',
      minSdk: 18,
      keyName: 'jar-only',
      keyAlgorithm: 'EC',
      schemes: ['v1'],
    });
    const info = await readApk(apk);
    const report = await verifyWithApksigner(apk, 18);
    expect(report.schemes).toEqual(['v1']);
    expect(info.signatureSchemes).toEqual(['v1']);
    expect(info.signerCertSha256).toBe(report.certSha256);
    expect(info.signerCertSubject).toBe(report.certDn);
  });

  test('subject with quoted values matches apksigner', async () => {
    const apk = await buildApk({
      packageName: 'org.dhis2.outpost.dn',
      versionCode: 1,
      versionName: '1',
      keyName: 'Ministère de la Santé, "Field Ops" #2',
    });
    const info = await readApk(apk);
    const report = await verifyWithApksigner(apk);
    expect(info.signerCertSubject).toBe(report.certDn);
    expect(info.signerCertSubject).toBe('CN="Ministère de la Santé, \\"Field Ops\\" #2", O=Outpost, C=ZZ');
  });
});

describe('readApk on bad input', () => {
  let workDir: string;
  let unsignedApk: string;

  beforeAll(async () => {
    workDir = tempPath('bad-inputs');
    await mkdir(workDir);
    unsignedApk = await buildApk({ packageName: 'org.dhis2.outpost.unsigned', versionCode: 1, versionName: '1', sign: false });
  });

  const badFile = async (name: string, contents: Buffer | string): Promise<string> => {
    const filePath = path.join(workDir, name);
    await writeFile(filePath, contents);
    return filePath;
  };

  test('empty file', { timeout: QUICK_MS }, async () => {
    await expectApkError(await badFile('empty.apk', Buffer.alloc(0)), 'not_zip');
  });

  test('random bytes', { timeout: QUICK_MS }, async () => {
    await expectApkError(await badFile('random.apk', randomBytes(256 * 1024)), 'not_zip');
  });

  test('text file', { timeout: QUICK_MS }, async () => {
    const text = 'This is the release note, not the app.\n'.repeat(200);
    await expectApkError(await badFile('notes.apk', text), 'not_zip');
  });

  test('first half of the fixture', { timeout: QUICK_MS }, async () => {
    const fixture = await readFile(FIXTURE_APK);
    const error = await expectApkError(await badFile('half.apk', fixture.subarray(0, fixture.length / 2)), 'truncated');
    expect(error.message).toContain('Upload the complete .apk file again');
  });

  test('ZIP without a manifest', { timeout: QUICK_MS }, async () => {
    const zip = path.join(workDir, 'no-manifest.zip');
    await writeZip(zip, [{ name: 'classes.dex', data: Buffer.from('dex\n035\0'), deflate: true }]);
    await expectApkError(zip, 'no_manifest');
  });

  test('app bundle is named as such', { timeout: QUICK_MS }, async () => {
    const zip = path.join(workDir, 'bundle.aab');
    await writeZip(zip, [{ name: 'base/manifest/AndroidManifest.xml', data: Buffer.from('protobuf') }]);
    const error = await expectApkError(zip, 'no_manifest');
    expect(error.message).toContain('Android App Bundle');
  });

  test('garbage manifest', { timeout: QUICK_MS }, async () => {
    const zip = path.join(workDir, 'garbage-manifest.apk');
    await writeZip(zip, [{ name: 'AndroidManifest.xml', data: randomBytes(4096), deflate: true }]);
    await expectApkError(zip, 'invalid_manifest');
  });

  test('plain-text XML manifest', { timeout: QUICK_MS }, async () => {
    const zip = path.join(workDir, 'text-manifest.apk');
    await writeZip(zip, [{ name: 'AndroidManifest.xml', data: Buffer.from('<manifest package="a.b"/>') }]);
    const error = await expectApkError(zip, 'invalid_manifest');
    expect(error.message).toContain('plain-text XML');
  });

  test('manifest declaring a size past the cap', { timeout: QUICK_MS }, async () => {
    const zip = path.join(workDir, 'bomb-declared.apk');
    await writeZip(zip, [{ name: 'AndroidManifest.xml', data: Buffer.alloc(2 * MAX_MANIFEST_BYTES), deflate: true }]);
    await expectApkError(zip, 'too_large');
  });

  test('manifest inflating past the cap', { timeout: QUICK_MS }, async () => {
    const zip = path.join(workDir, 'bomb-hidden.apk');
    await writeZip(zip, [{ name: 'AndroidManifest.xml', data: Buffer.alloc(4 * MAX_MANIFEST_BYTES), deflate: true, declaredSize: 1024 }]);
    await expectApkError(zip, 'too_large');
  });

  test('unsigned aapt output', { timeout: QUICK_MS }, async () => {
    await expectApkError(unsignedApk, 'unsigned');
  });

  test('missing file', { timeout: QUICK_MS }, async () => {
    await expectApkError(path.join(workDir, 'does-not-exist.apk'), 'unreadable');
  });

  test('directory', { timeout: QUICK_MS }, async () => {
    await expectApkError(workDir, 'unreadable');
  });

  test('trailing bytes after the ZIP end record', { timeout: QUICK_MS }, async () => {
    const copy = path.join(workDir, 'appended.apk');
    await copyFile(unsignedApk, copy);
    const handle = await open(copy, 'a');
    await handle.write(Buffer.from('appended by a proxy'));
    await handle.close();
    await expectApkError(copy, 'truncated');
  });

  test('deflate data that is invalid', { timeout: QUICK_MS }, async () => {
    const zip = path.join(workDir, 'bad-deflate.apk');
    const manifest = Buffer.alloc(10_000, 7);
    const broken = deflateRawSync(manifest);
    broken[0] = 0xff;
    await writeZip(zip, [{ name: 'AndroidManifest.xml', data: manifest, compressed: broken }]);
    await expectApkError(zip, 'invalid_manifest');
  });
});
