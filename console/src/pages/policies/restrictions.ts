import i18n from '@dhis2/d2-i18n';

export interface RestrictionOption {
  /** Android UserManager restriction key, as the agent applies it. */
  key: string;
  label: () => string;
}

/**
 * Android user restrictions offered as switches. Keys are the values of the
 * UserManager DISALLOW_* constants; the agent applies them as device owner.
 */
export const RESTRICTION_OPTIONS: RestrictionOption[] = [
  { key: 'no_config_tethering', label: () => i18n.t('Block Wi-Fi hotspot and tethering') },
  { key: 'no_config_mobile_networks', label: () => i18n.t('Block changes to mobile network settings') },
  { key: 'no_data_roaming', label: () => i18n.t('Block mobile data when roaming') },
  { key: 'no_config_wifi', label: () => i18n.t('Block changes to Wi-Fi settings') },
  { key: 'no_config_bluetooth', label: () => i18n.t('Block changes to Bluetooth settings') },
  { key: 'no_config_location', label: () => i18n.t('Block changes to location settings (Android 9+)') },
  { key: 'no_install_unknown_sources', label: () => i18n.t('Block installing apps from unknown sources') },
  { key: 'no_uninstall_apps', label: () => i18n.t('Block uninstalling apps') },
  { key: 'no_factory_reset', label: () => i18n.t('Block factory reset from settings') },
  { key: 'no_usb_file_transfer', label: () => i18n.t('Block USB file transfer') },
  { key: 'no_debugging_features', label: () => i18n.t('Block developer options and USB debugging') },
  { key: 'no_add_user', label: () => i18n.t('Block adding users') },
  { key: 'no_config_date_time', label: () => i18n.t('Block changes to date and time') },
  { key: 'no_safe_boot', label: () => i18n.t('Block safe boot') },
];
