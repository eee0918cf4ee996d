// Builds real APKs for tests with Debian's Android tools: aapt compiles the
// manifest and resources, keytool makes signing keys and apksigner signs.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';

const execFileAsync = promisify(execFile);

const FRAMEWORK_RES_APK = '/usr/share/android-framework-res/framework-res.apk';
/** Test-only keystores, so the password protects nothing. */
const KEYSTORE_PASSWORD = 'outpost-test-keystore';
const KEY_ALIAS = 'signer';
/** Java tools print long stack traces, and 16 MiB keeps execFile from cutting them. */
const TOOL_OUTPUT_LIMIT = 16 * 1024 * 1024;

export type SignatureScheme = 'v1' | 'v2' | 'v3';

export interface BuildApkOptions {
  packageName: string;
  versionCode: number;
  versionName: string;
  /** true stores versionName as @string/version_name in resources.arsc, with the manifest referring to it. */
  versionNameAsResource?: boolean;
  /** Written as android:versionCodeMajor when set. */
  versionCodeMajor?: number;
  /** Written to <uses-sdk>. Both are left out when unset. */
  minSdk?: number;
  targetSdk?: number;
  /** Stored as @string/app_label in resources.arsc, with the manifest referring to it. */
  label?: string;
  /** Signing key, created once per name in each test process and named in the certificate's CN. Default "default". */
  keyName?: string;
  keyAlgorithm?: 'RSA' | 'EC';
  /** Schemes to request from apksigner. When unset, apksigner chooses. */
  schemes?: SignatureScheme[];
  /** false returns aapt's unsigned output. Default true. */
  sign?: boolean;
}

export interface ApksignerReport {
  schemes: SignatureScheme[];
  certSha256: string;
  certDn: string;
}

export interface ZipEntrySpec {
  name: string;
  data: Buffer;
  deflate?: boolean;
  /** Deflate data stored as-is in place of compressing `data`, to build damaged entries. */
  compressed?: Buffer;
  /** Overrides the uncompressed size written to the headers, to build lying entries. */
  declaredSize?: number;
}

let workRoot: string | null = null;
let buildCount = 0;
const keystores = new Map<string, Promise<string>>();

/** Builds an APK and returns its path inside the builder's temporary directory (see removeBuiltApks). */
export async function buildApk(options: BuildApkOptions): Promise<string> {
  const buildDir = path.join(getWorkRoot(), `build-${++buildCount}`);
  await mkdir(path.join(buildDir, 'res', 'values'), { recursive: true });
  await writeFile(path.join(buildDir, 'AndroidManifest.xml'), manifestXml(options));
  const aaptArguments = ['package', '-f', '-M', 'AndroidManifest.xml', '-I', FRAMEWORK_RES_APK, '-F', 'unsigned.apk'];
  const strings = new Map<string, string>();
  if (options.label !== undefined) {
    strings.set('app_label', options.label);
  }
  if (options.versionNameAsResource === true) {
    strings.set('version_name', options.versionName);
  }
  if (strings.size > 0) {
    await writeFile(path.join(buildDir, 'res', 'values', 'strings.xml'), stringsXml(strings));
    aaptArguments.push('-S', 'res');
  }
  await runTool('aapt', aaptArguments, buildDir);
  if (options.sign === false) {
    return path.join(buildDir, 'unsigned.apk');
  }

  const keystore = await getKeystore(options.keyName ?? 'default', options.keyAlgorithm ?? 'RSA');
  const signArguments = ['sign', '--ks', keystore, '--ks-pass', `pass:${KEYSTORE_PASSWORD}`, '--v4-signing-enabled', 'false'];
  if (options.schemes !== undefined) {
    for (const scheme of ['v1', 'v2', 'v3'] as const) {
      signArguments.push(`--${scheme}-signing-enabled`, String(options.schemes.includes(scheme)));
    }
  }
  signArguments.push('--out', 'signed.apk', 'unsigned.apk');
  await runTool('apksigner', signArguments, buildDir);
  return path.join(buildDir, 'signed.apk');
}

/**
 * Runs `apksigner verify --print-certs -v` and returns what it reports about
 * the first signer. apksigner marks a scheme verified only when some Android
 * version from `minSdk` on would check it, so pass the lowest level whose
 * scheme you expect: 18 for v1 with SHA-256 digests, 24 for v2, 28 for v3.
 */
export async function verifyWithApksigner(apkPath: string, minSdk?: number): Promise<ApksignerReport> {
  const sdkArguments = minSdk === undefined ? [] : ['--min-sdk-version', String(minSdk)];
  const output = await runTool('apksigner', ['verify', '--print-certs', '-v', ...sdkArguments, apkPath], path.dirname(apkPath));
  const schemes = (['v1', 'v2', 'v3'] as const).filter((scheme) =>
    new RegExp(`^Verified using ${scheme} scheme .*: true$`, 'm').test(output),
  );
  const certSha256 = /^Signer #1 certificate SHA-256 digest: ([0-9a-f]{64})$/m.exec(output)?.[1];
  const certDn = /^Signer #1 certificate DN: (.*)$/m.exec(output)?.[1];
  if (certSha256 === undefined || certDn === undefined) {
    throw new Error(`apksigner printed no signer for ${apkPath}:\n${output}`);
  }
  return { schemes, certSha256, certDn };
}

/** Writes a plain ZIP archive (no signing block), for inputs that aapt would never produce. */
export async function writeZip(filePath: string, entries: ZipEntrySpec[]): Promise<void> {
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const deflated = entry.deflate === true || entry.compressed !== undefined;
    const stored = entry.compressed ?? (deflated ? deflateRawSync(entry.data) : entry.data);
    const fields = {
      method: deflated ? 8 : 0,
      crc: crc32(entry.data),
      compressedSize: stored.length,
      uncompressedSize: entry.declaredSize ?? entry.data.length,
    };

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(fields.method, 8);
    local.writeUInt32LE(fields.crc, 14);
    local.writeUInt32LE(fields.compressedSize, 18);
    local.writeUInt32LE(fields.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(fields.method, 10);
    central.writeUInt32LE(fields.crc, 16);
    central.writeUInt32LE(fields.compressedSize, 20);
    central.writeUInt32LE(fields.uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);

    localParts.push(local, name, stored);
    centralParts.push(central, name);
    offset += local.length + name.length + stored.length;
  }

  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(filePath, Buffer.concat([...localParts, centralDirectory, end]));
}

/** Returns a fresh path inside the builder's temporary directory. */
export function tempPath(fileName: string): string {
  return path.join(getWorkRoot(), `${++buildCount}-${fileName}`);
}

/**
 * Deletes the temporary directory with every APK, keystore and path handed
 * out so far. Call it from afterAll: Vitest ends its worker processes without
 * an 'exit' event, so the builder cannot clean up by itself.
 */
export function removeBuiltApks(): void {
  if (workRoot !== null) {
    rmSync(workRoot, { recursive: true, force: true });
    workRoot = null;
    keystores.clear();
  }
}

function getWorkRoot(): string {
  workRoot ??= mkdtempSync(path.join(os.tmpdir(), 'outpost-apk-builder-'));
  return workRoot;
}

function getKeystore(keyName: string, algorithm: 'RSA' | 'EC'): Promise<string> {
  const cacheKey = `${algorithm}:${keyName}`;
  let keystore = keystores.get(cacheKey);
  if (keystore === undefined) {
    keystore = createKeystore(keyName, algorithm);
    keystores.set(cacheKey, keystore);
  }
  return keystore;
}

async function createKeystore(keyName: string, algorithm: 'RSA' | 'EC'): Promise<string> {
  const fileName = `${createHash('sha256').update(`${algorithm}:${keyName}`).digest('hex').slice(0, 16)}.p12`;
  const keystore = path.join(getWorkRoot(), fileName);
  const keyArguments = algorithm === 'RSA' ? ['-keyalg', 'RSA', '-keysize', '2048'] : ['-keyalg', 'EC', '-groupname', 'secp256r1'];
  await runTool(
    'keytool',
    [
      '-genkeypair',
      '-keystore', keystore,
      '-storetype', 'PKCS12',
      '-storepass', KEYSTORE_PASSWORD,
      '-keypass', KEYSTORE_PASSWORD,
      '-alias', KEY_ALIAS,
      ...keyArguments,
      '-validity', '10000',
      '-dname', `CN=${escapeDnValue(keyName)}, O=Outpost, C=ZZ`,
    ],
    getWorkRoot(),
  );
  return keystore;
}

async function runTool(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd, maxBuffer: TOOL_OUTPUT_LIMIT });
    return stdout + stderr;
  } catch (error) {
    const details = error instanceof Error ? error.message : String(error);
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${details}`);
  }
}

function manifestXml(options: BuildApkOptions): string {
  const sdkAttributes = [
    options.minSdk === undefined ? '' : ` android:minSdkVersion="${options.minSdk}"`,
    options.targetSdk === undefined ? '' : ` android:targetSdkVersion="${options.targetSdk}"`,
  ].join('');
  const usesSdk = sdkAttributes === '' ? '' : `  <uses-sdk${sdkAttributes}/>\n`;
  const label = options.label === undefined ? '' : ' android:label="@string/app_label"';
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<manifest xmlns:android="http://schemas.android.com/apk/res/android"',
    `    package="${escapeXml(options.packageName)}"`,
    `    android:versionCode="${options.versionCode}"`,
    ...(options.versionCodeMajor === undefined ? [] : [`    android:versionCodeMajor="${options.versionCodeMajor}"`]),
    `    android:versionName="${options.versionNameAsResource === true ? '@string/version_name' : escapeXml(options.versionName)}">`,
    `${usesSdk}  <application${label}/>`,
    '</manifest>',
    '',
  ].join('\n');
}

/** aapt also treats quotes, apostrophes and backslashes in string resources as markup, so they get a backslash. */
function stringsXml(strings: Map<string, string>): string {
  const lines = [...strings].map(([name, value]) => {
    const escaped = escapeXml(value.replace(/["'\\]/g, (character) => `\\${character}`));
    return `  <string name="${name}">${escaped}</string>`;
  });
  return ['<?xml version="1.0" encoding="utf-8"?>', '<resources>', ...lines, '</resources>', ''].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function escapeDnValue(text: string): string {
  return text.replace(/[,+=<>#;"\\]/g, (character) => `\\${character}`);
}
