// Keys of Android's QR provisioning payload (DevicePolicyManager
// EXTRA_PROVISIONING_* values) and of the admin-extras bundle the Headwind MDM
// agent reads at first start.

const ANDROID = 'android.app.extra.';

export const PROVISIONING_KEYS = {
  adminComponent: `${ANDROID}PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME`,
  packageDownloadLocation: `${ANDROID}PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION`,
  packageChecksum: `${ANDROID}PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM`,
  signatureChecksum: `${ANDROID}PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM`,
  leaveAllSystemAppsEnabled: `${ANDROID}PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED`,
  skipEncryption: `${ANDROID}PROVISIONING_SKIP_ENCRYPTION`,
  wifiSsid: `${ANDROID}PROVISIONING_WIFI_SSID`,
  wifiSecurityType: `${ANDROID}PROVISIONING_WIFI_SECURITY_TYPE`,
  wifiPassword: `${ANDROID}PROVISIONING_WIFI_PASSWORD`,
  useMobileData: `${ANDROID}PROVISIONING_USE_MOBILE_DATA`,
  adminExtras: `${ANDROID}PROVISIONING_ADMIN_EXTRAS_BUNDLE`,
} as const;

export const AGENT_EXTRAS_KEYS = {
  baseUrl: 'com.hmdm.BASE_URL',
  serverProject: 'com.hmdm.SERVER_PROJECT',
  configuration: 'com.hmdm.CONFIG',
  deviceId: 'com.hmdm.DEVICE_ID',
  deviceIdSource: 'com.hmdm.DEVICE_ID_USE',
} as const;

export const WIFI_SECURITY_TYPES = ['NONE', 'WPA', 'WEP', 'EAP'] as const;
export type WifiSecurityType = (typeof WIFI_SECURITY_TYPES)[number];

export type DeviceIdSource = 'serial' | 'imei';

export interface ProvisioningInput {
  /** Flattened ComponentName of the agent's DeviceAdminReceiver, `package/class`. */
  adminComponent: string;
  agentApkUrl: string;
  /** URL-safe Base64 with padding of the APK file's SHA-256. */
  agentApkChecksum: string;
  /** URL-safe Base64 with padding of the signer certificate's SHA-256. */
  agentSignatureChecksum: string;
  /** Scheme, host and non-default port of the server, without a path. */
  baseUrl: string;
  /** Single path segment before /rest, or '' for none. */
  serverProject: string;
  /** Enrolment token the agent sends back as its configuration. */
  enrolmentToken: string;
  presetDeviceId: string | null;
  deviceIdSource: DeviceIdSource | null;
  wifi: { ssid: string; password: string | null; security: WifiSecurityType } | null;
  useMobileData: boolean;
}

/**
 * Builds the provisioning object that a QR code carries, as a plain object
 * for JSON.stringify. Android reads the top-level keys with their own types,
 * but the agent reads every admin extra with getString, so each of those
 * values is a string.
 */
export function buildProvisioningPayload(input: ProvisioningInput): Record<string, unknown> {
  const extras: Record<string, string> = {
    [AGENT_EXTRAS_KEYS.baseUrl]: input.baseUrl,
    [AGENT_EXTRAS_KEYS.serverProject]: input.serverProject,
    [AGENT_EXTRAS_KEYS.configuration]: input.enrolmentToken,
  };
  if (input.presetDeviceId !== null) extras[AGENT_EXTRAS_KEYS.deviceId] = input.presetDeviceId;
  if (input.deviceIdSource !== null) extras[AGENT_EXTRAS_KEYS.deviceIdSource] = input.deviceIdSource;

  const payload: Record<string, unknown> = {
    [PROVISIONING_KEYS.adminComponent]: input.adminComponent,
    [PROVISIONING_KEYS.packageDownloadLocation]: input.agentApkUrl,
    [PROVISIONING_KEYS.packageChecksum]: input.agentApkChecksum,
    [PROVISIONING_KEYS.signatureChecksum]: input.agentSignatureChecksum,
    [PROVISIONING_KEYS.leaveAllSystemAppsEnabled]: true,
    [PROVISIONING_KEYS.skipEncryption]: true,
  };

  if (input.wifi !== null) {
    payload[PROVISIONING_KEYS.wifiSsid] = input.wifi.ssid;
    payload[PROVISIONING_KEYS.wifiSecurityType] = input.wifi.security;
    if (input.wifi.password !== null) payload[PROVISIONING_KEYS.wifiPassword] = input.wifi.password;
  }
  if (input.useMobileData) payload[PROVISIONING_KEYS.useMobileData] = true;

  payload[PROVISIONING_KEYS.adminExtras] = extras;
  return payload;
}
