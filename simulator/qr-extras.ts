// Reading the provisioning QR the way the agent does: Android hands it the
// admin-extras bundle, and the agent reads each com.hmdm.* key with
// PersistableBundle.getString, so a value that is not a JSON string arrives
// as null.

export const ADMIN_EXTRAS_KEY = 'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE';
export const ADMIN_COMPONENT_KEY = 'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME';
export const PACKAGE_DOWNLOAD_KEY = 'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION';
export const PACKAGE_CHECKSUM_KEY = 'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM';

export const EXTRA = {
  baseUrl: 'com.hmdm.BASE_URL',
  secondaryBaseUrl: 'com.hmdm.SECONDARY_BASE_URL',
  serverProject: 'com.hmdm.SERVER_PROJECT',
  deviceId: 'com.hmdm.DEVICE_ID',
  legacyDeviceId: 'ru.headwind.kiosk.DEVICE_ID',
  deviceIdUse: 'com.hmdm.DEVICE_ID_USE',
  configuration: 'com.hmdm.CONFIG',
  customer: 'com.hmdm.CUSTOMER',
  group: 'com.hmdm.GROUP',
} as const;

export type DeviceIdSource = 'imei' | 'serial';

/** Settings a provisioned agent keeps from the QR. */
export interface AgentSettings {
  /** Scheme, host and port, without a path. */
  baseUrl: string;
  /** Failover URL. The agent uses the primary one when the QR gives none. */
  secondaryBaseUrl: string;
  /** Single path segment before /rest, or '' for none. */
  serverProject: string;
  presetDeviceId: string | null;
  deviceIdSource: DeviceIdSource | null;
  configuration: string | null;
  customer: string | null;
  groups: string[] | null;
  /** Package of the agent itself, from the admin component name. */
  agentPackage: string;
  /** Agent APK the provisioning step downloads, when the QR names one. */
  agentApkUrl: string | null;
  /** URL-safe Base64 SHA-256 of that APK. */
  agentApkChecksum: string | null;
  /** Keys that were present but not strings, so the agent reads them as null. */
  ignoredKeys: string[];
}

export class QrError extends Error {}

/**
 * Parses the provisioning JSON (or a bare admin-extras object) into agent
 * settings. Throws QrError when no usable base URL is present, because the
 * real agent would then contact the vendor's cloud instead.
 */
export function parseProvisioningJson(json: unknown, defaultAgentPackage: string): AgentSettings {
  if (!isObject(json)) throw new QrError('The QR content is not a JSON object.');

  const bundle = json[ADMIN_EXTRAS_KEY];
  const extras = isObject(bundle) ? bundle : json;
  if (!isObject(bundle) && !Object.keys(json).some((key) => key.startsWith('com.hmdm.'))) {
    throw new QrError(`The QR JSON has no "${ADMIN_EXTRAS_KEY}" object and no com.hmdm.* keys.`);
  }

  const ignoredKeys: string[] = [];
  const read = (key: string): string | null => {
    const value = extras[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    ignoredKeys.push(key);
    return null;
  };

  const baseUrl = checkBaseUrl(read(EXTRA.baseUrl), EXTRA.baseUrl);
  const secondary = read(EXTRA.secondaryBaseUrl);
  const deviceIdUse = read(EXTRA.deviceIdUse);
  const groups = read(EXTRA.group);

  return {
    baseUrl,
    secondaryBaseUrl: secondary ? checkBaseUrl(secondary, EXTRA.secondaryBaseUrl) : baseUrl,
    serverProject: read(EXTRA.serverProject) ?? '',
    presetDeviceId: read(EXTRA.deviceId) || read(EXTRA.legacyDeviceId) || null,
    deviceIdSource: deviceIdUse === 'imei' || deviceIdUse === 'serial' ? deviceIdUse : null,
    configuration: read(EXTRA.configuration),
    customer: read(EXTRA.customer),
    groups: groups ? groups.split(',') : null,
    agentPackage: agentPackageOf(json[ADMIN_COMPONENT_KEY]) ?? defaultAgentPackage,
    agentApkUrl: typeof json[PACKAGE_DOWNLOAD_KEY] === 'string' ? json[PACKAGE_DOWNLOAD_KEY] : null,
    agentApkChecksum: typeof json[PACKAGE_CHECKSUM_KEY] === 'string' ? json[PACKAGE_CHECKSUM_KEY] : null,
    ignoredKeys,
  };
}

/**
 * Checks a base URL as the agent's Retrofit builder would: it must be an
 * http(s) origin. A path makes the real agent fall back to its compiled-in
 * vendor URL, which the simulator must never contact, so it is rejected.
 */
function checkBaseUrl(value: string | null, key: string): string {
  if (!value) throw new QrError(`The QR has no ${key}; the agent would fall back to the vendor's cloud server.`);

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new QrError(`Invalid ${key} "${value}": expected an absolute http(s) URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new QrError(`Invalid ${key} "${value}": the scheme must be http or https.`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new QrError(
      `Invalid ${key} "${value}": it has a path or query, which makes the agent fall back to the vendor's cloud. ` +
        'Put the path in com.hmdm.SERVER_PROJECT.',
    );
  }
  return url.origin;
}

function agentPackageOf(component: unknown): string | null {
  if (typeof component !== 'string') return null;
  const slash = component.indexOf('/');
  return slash > 0 ? component.slice(0, slash) : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
