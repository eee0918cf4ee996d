import i18n from '@dhis2/d2-i18n';

export interface Option {
  value: string;
  label: string;
}

/** Value the selects use for a null ("leave unmanaged") setting. */
export const UNMANAGED = 'unmanaged';

export function pushModeOptions(): Option[] {
  return [
    { value: 'polling', label: i18n.t('HTTP long polling (no MQTT broker needed)') },
    { value: 'mqttWorker', label: i18n.t('MQTT, kept alive by a background worker') },
    { value: 'mqttAlarm', label: i18n.t('MQTT, kept alive by alarms') },
  ];
}

// The agent maps these levels to Android password quality itself.
export function passwordModeOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Not enforced') },
    { value: 'present', label: i18n.t('Any screen lock') },
    { value: 'easy', label: i18n.t('Easy') },
    { value: 'moderate', label: i18n.t('Moderate') },
    { value: 'strong', label: i18n.t('Strong') },
  ];
}

export function radioOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Leave to the user') },
    { value: 'on', label: i18n.t('Keep on') },
    { value: 'off', label: i18n.t('Keep off') },
  ];
}

export function yesNoOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Not managed') },
    { value: 'on', label: i18n.t('Yes') },
    { value: 'off', label: i18n.t('No') },
  ];
}

// NOTE: the agent names these values without defining 'limited' further;
// the label describes it as a limit on mobile-data downloads.
export function downloadNetworkOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Any network') },
    { value: 'limited', label: i18n.t('Limited on mobile data') },
    { value: 'wifi', label: i18n.t('Wi-Fi only') },
  ];
}

export function systemUpdateOptions(): Option[] {
  return [
    { value: '0', label: i18n.t('Phone default') },
    { value: '1', label: i18n.t('Install at once') },
    { value: '2', label: i18n.t('Install in a daily window') },
    { value: '3', label: i18n.t('Postpone for 30 days') },
  ];
}

export function orientationOptions(): Option[] {
  return [
    { value: '0', label: i18n.t('Not managed') },
    { value: '1', label: i18n.t('Portrait') },
    { value: '2', label: i18n.t('Landscape') },
  ];
}

export function locationUpdateOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Not requested') },
    { value: 'gps', label: i18n.t('GPS') },
    { value: 'network', label: i18n.t('Network location') },
  ];
}

export function appPermissionOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Grant every permission') },
    { value: 'asklocation', label: i18n.t('Grant all but location; ask for location') },
    { value: 'denylocation', label: i18n.t('Grant all but location; deny location') },
    { value: 'askall', label: i18n.t('Ask the user for every permission') },
  ];
}

export function iconSizeOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Agent default') },
    { value: '100', label: '100 %' },
    { value: '120', label: '120 %' },
    { value: '140', label: '140 %' },
  ];
}

export function radioValue(setting: boolean | null): string {
  if (setting === null) return UNMANAGED;
  return setting ? 'on' : 'off';
}

export function radioSetting(value: string): boolean | null {
  if (value === UNMANAGED) return null;
  return value === 'on';
}

export function nullIfUnmanaged<T extends string>(value: string): T | null {
  return value === UNMANAGED ? null : (value as T);
}
