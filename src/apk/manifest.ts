import { parseBinaryXml, type XmlAttribute, type XmlElement } from './binary-xml.js';
import { ApkError, MalformedDataError } from './errors.js';
import { MAX_RESOURCE_REFERENCE_DEPTH } from './limits.js';
import {
  TYPE_INT_DEC,
  TYPE_INT_HEX,
  TYPE_REFERENCE,
  TYPE_STRING,
  type ResValue,
  type StringPool,
} from './resource-chunks.js';
import type { ResourceTable } from './resource-table.js';

const ANDROID_NAMESPACE = 'http://schemas.android.com/apk/res/android';

/** Resource IDs of the framework attributes read here (android.R.attr). */
const ATTR_LABEL = 0x01010001;
const ATTR_MIN_SDK_VERSION = 0x0101020c;
const ATTR_VERSION_CODE = 0x0101021b;
const ATTR_VERSION_NAME = 0x0101021c;
const ATTR_TARGET_SDK_VERSION = 0x01010270;
const ATTR_VERSION_CODE_MAJOR = 0x01010576;

/** Dot-separated segments, at least two, each a letter followed by letters, digits or underscores, as Android requires of an app's package name. */
const PACKAGE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

/** The manifest root is depth 0; uses-sdk and application sit directly under it. */
const MANIFEST_DEPTH_READ = 1;

export interface ManifestInfo {
  packageName: string;
  versionCode: number;
  versionName: string | null;
  minSdk: number | null;
  targetSdk: number | null;
  label: string | null;
}

/** An attribute value with manifest strings decoded, before resource references are resolved. */
export type ManifestValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'reference'; resourceId: number }
  | { kind: 'other' };

/** Manifest attributes as stored; null where the attribute is absent. */
export interface ManifestValues {
  packageName: string;
  versionCode: ManifestValue | null;
  versionCodeMajor: ManifestValue | null;
  versionName: ManifestValue | null;
  minSdk: ManifestValue | null;
  targetSdk: ManifestValue | null;
  label: ManifestValue | null;
}

/** Reads the identity attributes from a compiled AndroidManifest.xml; raises ApkError 'invalid_manifest'. */
export function readManifestValues(buffer: Buffer): ManifestValues {
  if (buffer.length > 0 && buffer[0] === '<'.charCodeAt(0)) {
    throw invalidManifest('it is plain-text XML, not the compiled binary XML that the Android build tools put in an APK');
  }
  try {
    return extractValues(buffer);
  } catch (error) {
    if (error instanceof MalformedDataError) {
      throw invalidManifest(`it is not valid Android binary XML: ${error.message}`, error);
    }
    throw error;
  }
}

export function hasResourceReference(values: ManifestValues): boolean {
  const fields = [values.versionCode, values.versionCodeMajor, values.versionName, values.minSdk, values.targetSdk, values.label];
  return fields.some((value) => value?.kind === 'reference');
}

/**
 * Resolves references through resources.arsc and applies Android's rules for
 * absent values. `table` is null when the APK has no resources.arsc, and
 * references then resolve to null. Raises MalformedDataError from a damaged
 * table and ApkError 'invalid_manifest' for a version code that is no integer.
 */
export function resolveManifest(values: ManifestValues, table: ResourceTable | null): ManifestInfo {
  const resolve = (value: ManifestValue | null): ManifestValue | null => resolveReferences(value, table);

  const versionCode = resolve(values.versionCode);
  const versionCodeMajor = resolve(values.versionCodeMajor);
  if (values.versionCode !== null && versionCode?.kind !== 'int') {
    throw invalidManifest('its versionCode is not an integer or a resource that resolves to one');
  }
  if (values.versionCodeMajor !== null && versionCodeMajor?.kind !== 'int') {
    throw invalidManifest('its versionCodeMajor is not an integer or a resource that resolves to one');
  }
  // Android's long version code puts versionCodeMajor in the high 32 bits and
  // reads versionCode as unsigned; an absent versionCode counts as 0.
  const major = versionCodeMajor?.kind === 'int' ? versionCodeMajor.value : 0;
  const minor = versionCode?.kind === 'int' ? versionCode.value : 0;
  const longVersionCode = major * 2 ** 32 + (minor >>> 0);
  if (!Number.isSafeInteger(longVersionCode) || longVersionCode < 0) {
    throw invalidManifest(`its versionCodeMajor ${major} is outside the range this server stores`);
  }

  return {
    packageName: values.packageName,
    versionCode: longVersionCode,
    versionName: stringOrNull(resolve(values.versionName)),
    minSdk: sdkLevelOrNull(resolve(values.minSdk)),
    targetSdk: sdkLevelOrNull(resolve(values.targetSdk)),
    label: stringOrNull(resolve(values.label)),
  };
}

function extractValues(buffer: Buffer): ManifestValues {
  // Only the first of each element is kept, so a manifest with many elements costs no extra memory.
  let root: XmlElement | undefined;
  let usesSdk: XmlElement | undefined;
  let application: XmlElement | undefined;
  let strings: StringPool | undefined;
  parseBinaryXml(buffer, MANIFEST_DEPTH_READ, (element, pool) => {
    strings = pool;
    if (element.depth === 0) {
      root ??= element;
    } else if (element.name === 'uses-sdk') {
      usesSdk ??= element;
    } else if (element.name === 'application') {
      application ??= element;
    }
  });
  if (root === undefined || strings === undefined || root.name !== 'manifest' || root.namespace !== null) {
    throw invalidManifest('its root element is not <manifest>');
  }
  const packageAttribute = root.attributes.find((attribute) => attribute.namespace === null && attribute.name === 'package');
  const packageValue = packageAttribute ? decodeValue(packageAttribute.value, strings) : null;
  if (packageValue?.kind !== 'string') {
    throw invalidManifest('<manifest> has no package attribute');
  }
  if (!PACKAGE_NAME_PATTERN.test(packageValue.value)) {
    throw invalidManifest(`its package name "${packageValue.value}" is not a valid Android package name`);
  }

  const pool = strings;
  const read = (element: XmlElement | undefined, resourceId: number, name: string): ManifestValue | null => {
    const value = element ? findAttribute(element, resourceId, name) : null;
    return value === null ? null : decodeValue(value, pool);
  };
  return {
    packageName: packageValue.value,
    versionCode: read(root, ATTR_VERSION_CODE, 'versionCode'),
    versionCodeMajor: read(root, ATTR_VERSION_CODE_MAJOR, 'versionCodeMajor'),
    versionName: read(root, ATTR_VERSION_NAME, 'versionName'),
    minSdk: read(usesSdk, ATTR_MIN_SDK_VERSION, 'minSdkVersion'),
    targetSdk: read(usesSdk, ATTR_TARGET_SDK_VERSION, 'targetSdkVersion'),
    label: read(application, ATTR_LABEL, 'label'),
  };
}

/** Matches by resource ID as Android does, and by name only when the resource map gives none. */
function findAttribute(element: XmlElement, resourceId: number, name: string): ResValue | null {
  const matches = (attribute: XmlAttribute): boolean =>
    attribute.resourceId === null
      ? attribute.namespace === ANDROID_NAMESPACE && attribute.name === name
      : attribute.resourceId === resourceId;
  return element.attributes.find(matches)?.value ?? null;
}

function decodeValue(value: ResValue, strings: StringPool): ManifestValue {
  switch (value.type) {
    case TYPE_STRING:
      return { kind: 'string', value: strings.get(value.data) };
    case TYPE_INT_DEC:
    case TYPE_INT_HEX:
      return { kind: 'int', value: value.data | 0 };
    case TYPE_REFERENCE:
      return { kind: 'reference', resourceId: value.data };
    default:
      return { kind: 'other' };
  }
}

/** Follows references until a value; a reference to nothing, @null included, resolves to null. */
function resolveReferences(initial: ManifestValue | null, table: ResourceTable | null): ManifestValue | null {
  let value = initial;
  for (let depth = 0; value?.kind === 'reference'; depth++) {
    if (table === null || value.resourceId === 0 || depth === MAX_RESOURCE_REFERENCE_DEPTH) {
      return null;
    }
    const stored = table.lookUp(value.resourceId);
    value = stored === null ? null : decodeValue(stored, table.strings);
  }
  return value;
}

function stringOrNull(value: ManifestValue | null): string | null {
  return value?.kind === 'string' ? value.value : null;
}

/** Returns the API level, or null for a preview codename such as "VanillaIceCream", which has no number yet. */
function sdkLevelOrNull(value: ManifestValue | null): number | null {
  return value?.kind === 'int' ? value.value : null;
}

function invalidManifest(detail: string, cause?: unknown): ApkError {
  return new ApkError(
    'invalid_manifest',
    `AndroidManifest.xml in the APK is invalid: ${detail}. Rebuild the APK with the Android build tools and upload it again.`,
    { cause },
  );
}
