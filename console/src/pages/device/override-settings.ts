import i18n from '@dhis2/d2-i18n';

import type { PolicySettingName } from '../../api/types.js';
import {
  appPermissionOptions,
  downloadNetworkOptions,
  locationUpdateOptions,
  orientationOptions,
  passwordModeOptions,
  pushModeOptions,
  systemUpdateOptions,
  type Option,
} from '../policies/setting-options.js';

/** Input kind of a setting's override value. */
export type OverrideKind =
  | { kind: 'tristate' }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: () => Option[]; numeric?: boolean }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'time' }
  | { kind: 'text' }
  | { kind: 'keys' };

export interface OverrideSetting {
  name: PolicySettingName;
  label: () => string;
  input: OverrideKind;
}

/** Settings a device may override, in the order the editor offers them. */
export const OVERRIDE_SETTINGS: OverrideSetting[] = [
  { name: 'gps', label: () => i18n.t('GPS'), input: { kind: 'tristate' } },
  { name: 'wifi', label: () => i18n.t('Wi-Fi'), input: { kind: 'tristate' } },
  { name: 'bluetooth', label: () => i18n.t('Bluetooth'), input: { kind: 'tristate' } },
  { name: 'mobileData', label: () => i18n.t('Mobile data'), input: { kind: 'tristate' } },
  { name: 'restrictions', label: () => i18n.t('Restrictions (catalogue keys)'), input: { kind: 'keys' } },
  { name: 'extraRestrictions', label: () => i18n.t('Other restriction keys'), input: { kind: 'keys' } },
  { name: 'passwordMode', label: () => i18n.t('Screen-lock password quality'), input: { kind: 'choice', options: passwordModeOptions } },
  { name: 'blockUsbStorage', label: () => i18n.t('Block USB storage and file transfer'), input: { kind: 'tristate' } },
  { name: 'disableScreenshots', label: () => i18n.t('Block screenshots and screen recording'), input: { kind: 'boolean' } },
  { name: 'appPermissions', label: () => i18n.t('App permissions'), input: { kind: 'choice', options: appPermissionOptions } },
  { name: 'locationUpdates', label: () => i18n.t('Location updates'), input: { kind: 'choice', options: locationUpdateOptions } },
  { name: 'timeZone', label: () => i18n.t('Time zone'), input: { kind: 'text' } },
  { name: 'screenTimeoutSeconds', label: () => i18n.t('Screen timeout (seconds)'), input: { kind: 'integer', min: 5, max: 86400 } },
  { name: 'brightness', label: () => i18n.t('Brightness'), input: { kind: 'integer', min: 0, max: 255 } },
  { name: 'autoBrightness', label: () => i18n.t('Automatic brightness'), input: { kind: 'tristate' } },
  { name: 'volumePercent', label: () => i18n.t('Volume (%)'), input: { kind: 'integer', min: 0, max: 100 } },
  { name: 'lockVolume', label: () => i18n.t('Lock the volume'), input: { kind: 'tristate' } },
  { name: 'orientation', label: () => i18n.t('Screen orientation'), input: { kind: 'choice', options: orientationOptions, numeric: true } },
  { name: 'systemUpdateType', label: () => i18n.t('OS updates'), input: { kind: 'choice', options: systemUpdateOptions, numeric: true } },
  { name: 'systemUpdateFrom', label: () => i18n.t('OS update window from'), input: { kind: 'time' } },
  { name: 'systemUpdateTo', label: () => i18n.t('OS update window to'), input: { kind: 'time' } },
  { name: 'appUpdateFrom', label: () => i18n.t('App update window from'), input: { kind: 'time' } },
  { name: 'appUpdateTo', label: () => i18n.t('App update window to'), input: { kind: 'time' } },
  { name: 'downloadNetwork', label: () => i18n.t('Download network for apps'), input: { kind: 'choice', options: downloadNetworkOptions } },
  { name: 'pushMode', label: () => i18n.t('Push mode'), input: { kind: 'choice', options: pushModeOptions } },
  { name: 'keepaliveSeconds', label: () => i18n.t('MQTT keep-alive (seconds)'), input: { kind: 'integer', min: 30, max: 3600 } },
  { name: 'title', label: () => i18n.t('Launcher title'), input: { kind: 'text' } },
  { name: 'backgroundMode', label: () => i18n.t('Background mode'), input: { kind: 'boolean' } },
];

export function overrideSetting(name: string): OverrideSetting | undefined {
  return OVERRIDE_SETTINGS.find((setting) => setting.name === name);
}

/** Shows an override value in words. */
export function describeValue(value: unknown): string {
  if (value === null) return i18n.t('not managed');
  if (value === true) return i18n.t('on');
  if (value === false) return i18n.t('off');
  if (Array.isArray(value)) return value.length === 0 ? i18n.t('none') : value.join(', ');
  return String(value);
}
