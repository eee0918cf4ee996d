// The seeded fleet: device ids, hardware identities, policy apps and
// settings. The wrk scripts rebuild device ids and serials from an index
// with the same formats, so the formats live here once.

import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy-settings.js';

/** Prefix of every seeded device id. */
export const DEVICE_ID_PREFIX = 'bench-';
/** Digits after the prefix; 6 cover a million devices. */
export const DEVICE_NUMBER_DIGITS = 6;

/** Device id of the device with 1-based number `n`: bench-000001 and so on. */
export function deviceIdOf(n: number): string {
  return `${DEVICE_ID_PREFIX}${String(n).padStart(DEVICE_NUMBER_DIGITS, '0')}`;
}

/** Serials have the 11-character shape of Samsung serials. */
export const SERIAL_FORMAT = { prefix: 'RB', digits: 9 } as const;
/** IMEIs have 15 digits. The check digit is not computed, because Outpost does not validate it. */
export const IMEI_FORMAT = { prefix: '35', digits: 13 } as const;

export function serialOf(n: number): string {
  return `${SERIAL_FORMAT.prefix}${String(n).padStart(SERIAL_FORMAT.digits, '0')}`;
}

export function imeiOf(n: number): string {
  return `${IMEI_FORMAT.prefix}${String(n).padStart(IMEI_FORMAT.digits, '0')}`;
}

/** Phones of the kind health programmes buy; a search for one model matches about a sixth of the fleet. */
export const MODELS = [
  { model: 'SM-A145F', androidVersion: '13', cpu: 'arm64-v8a' },
  { model: 'SM-A055F', androidVersion: '13', cpu: 'arm64-v8a' },
  { model: 'SM-A125F', androidVersion: '11', cpu: 'arm64-v8a' },
  { model: 'SM-T225', androidVersion: '11', cpu: 'arm64-v8a' },
  { model: 'Nokia C21', androidVersion: '11', cpu: 'armeabi-v7a' },
  { model: 'Pixel 6a', androidVersion: '14', cpu: 'arm64-v8a' },
] as const;

export function modelOf(n: number): (typeof MODELS)[number] {
  return MODELS[n % MODELS.length] as (typeof MODELS)[number];
}

/** Apps every seeded policy installs: the data-collection app, the agent itself and a browser. */
export const POLICY_APPS = [
  { packageName: 'com.dhis2', label: 'DHIS2 Capture', versionName: '3.1.1.1', versionCode: 3111 },
  { packageName: 'com.hmdm.launcher', label: 'Headwind MDM', versionName: '6.36', versionCode: 15360 },
  { packageName: 'org.mozilla.firefox', label: 'Firefox', versionName: '133.0', versionCode: 2016058719 },
] as const;

/**
 * Settings of a typical programme policy: tethering blocked, a screen lock,
 * large downloads on Wi-Fi only and a custom admin-panel password. They
 * make the configuration answer as large as a real one.
 */
export function programmePolicySettings(): PolicySettings {
  return {
    ...defaultPolicySettings(),
    adminPasswordMd5: '5F4DCC3B5AA765D61D8327DEB882CF99',
    restrictions: ['no_config_tethering', 'no_factory_reset', 'no_safe_boot'],
    passwordMode: 'moderate',
    gps: true,
    blockUsbStorage: true,
    timeZone: 'Africa/Kampala',
    downloadNetwork: 'wifi',
    locationUpdates: 'gps',
    appUpdateFrom: '20:00',
    appUpdateTo: '06:00',
  };
}
