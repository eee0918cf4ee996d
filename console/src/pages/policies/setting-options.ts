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

// NOTE: the agent names these values without defining 'limited' further;
// the label describes it as a limit on mobile-data downloads.
export function downloadNetworkOptions(): Option[] {
  return [
    { value: UNMANAGED, label: i18n.t('Any network') },
    { value: 'limited', label: i18n.t('Limited on mobile data') },
    { value: 'wifi', label: i18n.t('Wi-Fi only') },
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
