/**
 * Android user restrictions that policies offer as named switches. Keys are
 * the string values of the `UserManager.DISALLOW_*` constants, which the
 * agent passes to `DevicePolicyManager.addUserRestriction` as device owner.
 *
 * `minSdk` is the API level that introduced the restriction, from the
 * Android `UserManager` reference. Older Android versions ignore the key.
 * NOTE: levels of the restrictions not listed in the project's Android notes
 * (tethering 18, Wi-Fi tethering 33, data roaming 24, location and airplane
 * mode 28, the Wi-Fi controls of 33) were taken from the reference without a
 * device test; null means the level was not checked.
 */
export interface RestrictionInfo {
  key: string;
  /** Short label for a switch. */
  label: string;
  /** What the restriction stops the phone's user from doing. */
  blocks: string;
  minSdk: number | null;
  group: RestrictionGroup;
}

export type RestrictionGroup = 'network' | 'apps' | 'device' | 'users' | 'data';

export const RESTRICTION_CATALOG: readonly RestrictionInfo[] = [
  {
    key: 'no_config_tethering',
    label: 'Block hotspot and tethering',
    blocks: 'Turning on or configuring the Wi-Fi hotspot and USB or Bluetooth tethering. From Android 9 an active hotspot is turned off.',
    minSdk: 18,
    group: 'network',
  },
  {
    key: 'no_wifi_tethering',
    label: 'Block Wi-Fi hotspot only',
    blocks: 'The Wi-Fi hotspot, while USB and Bluetooth tethering stay allowed. Not needed when hotspot and tethering are blocked.',
    minSdk: 33,
    group: 'network',
  },
  {
    key: 'no_config_mobile_networks',
    label: 'Block mobile network settings',
    blocks: 'Changing APNs, the preferred network type and other mobile network settings.',
    minSdk: 18,
    group: 'network',
  },
  {
    key: 'no_data_roaming',
    label: 'Block data roaming',
    blocks: 'Mobile data while roaming on another operator.',
    minSdk: 24,
    group: 'network',
  },
  {
    key: 'no_config_wifi',
    label: 'Block Wi-Fi settings',
    blocks: 'Adding, changing or forgetting Wi-Fi networks in Settings.',
    minSdk: 17,
    group: 'network',
  },
  {
    key: 'no_add_wifi_config',
    label: 'Block adding Wi-Fi networks',
    blocks: 'Adding new Wi-Fi networks; saved networks stay usable.',
    minSdk: 33,
    group: 'network',
  },
  {
    key: 'no_change_wifi_state',
    label: 'Block turning Wi-Fi on or off',
    blocks: 'Turning Wi-Fi on or off from Settings and quick settings.',
    minSdk: 33,
    group: 'network',
  },
  {
    key: 'no_wifi_direct',
    label: 'Block Wi-Fi Direct',
    blocks: 'Wi-Fi Direct connections between phones.',
    minSdk: 33,
    group: 'network',
  },
  {
    key: 'no_config_bluetooth',
    label: 'Block Bluetooth settings',
    blocks: 'Pairing and configuring Bluetooth devices.',
    minSdk: 18,
    group: 'network',
  },
  {
    key: 'no_bluetooth',
    label: 'Block Bluetooth',
    blocks: 'Any use of Bluetooth.',
    minSdk: 26,
    group: 'network',
  },
  {
    key: 'no_airplane_mode',
    label: 'Block airplane mode',
    blocks: 'Turning airplane mode on, which would cut the phone off from management.',
    minSdk: 28,
    group: 'network',
  },
  {
    key: 'no_config_vpn',
    label: 'Block VPN settings',
    blocks: 'Adding or changing VPN connections.',
    minSdk: null,
    group: 'network',
  },
  {
    key: 'no_config_private_dns',
    label: 'Block private DNS settings',
    blocks: 'Changing the private DNS server.',
    minSdk: 29,
    group: 'network',
  },
  {
    key: 'no_network_reset',
    label: 'Block network settings reset',
    blocks: 'Resetting Wi-Fi, mobile and Bluetooth settings from Settings.',
    minSdk: 23,
    group: 'network',
  },
  {
    key: 'no_install_unknown_sources',
    label: 'Block unknown sources',
    blocks: 'Installing apps from sources other than the app store, for this user.',
    minSdk: 17,
    group: 'apps',
  },
  {
    key: 'no_install_unknown_sources_globally',
    label: 'Block unknown sources for every user',
    blocks: 'Installing apps from unknown sources for all users of the phone.',
    minSdk: 29,
    group: 'apps',
  },
  {
    key: 'no_install_apps',
    label: 'Block installing apps',
    blocks: 'Installing any app by the user, including from the app store. Apps the policy installs still install.',
    minSdk: 17,
    group: 'apps',
  },
  {
    key: 'no_uninstall_apps',
    label: 'Block uninstalling apps',
    blocks: 'Uninstalling apps, DHIS2 Capture included.',
    minSdk: 17,
    group: 'apps',
  },
  {
    key: 'no_control_apps',
    label: 'Block app controls',
    blocks: 'Force-stopping apps and clearing their data or cache from Settings.',
    minSdk: null,
    group: 'apps',
  },
  {
    key: 'no_factory_reset',
    label: 'Block factory reset from Settings',
    blocks: 'Factory reset from the Settings app. A reset from the recovery menu is still possible.',
    minSdk: 21,
    group: 'device',
  },
  {
    key: 'no_safe_boot',
    label: 'Block safe boot',
    blocks: 'Starting the phone in safe mode, where the agent does not run.',
    minSdk: 23,
    group: 'device',
  },
  {
    key: 'no_debugging_features',
    label: 'Block developer options',
    blocks: 'Developer options and USB debugging (adb).',
    minSdk: 17,
    group: 'device',
  },
  {
    key: 'no_config_date_time',
    label: 'Block date and time settings',
    blocks: 'Changing the date, time and time zone, which DHIS2 data timestamps depend on.',
    minSdk: 28,
    group: 'device',
  },
  {
    key: 'no_config_location',
    label: 'Block location settings',
    blocks: 'Turning location off or changing its mode.',
    minSdk: 28,
    group: 'device',
  },
  {
    key: 'no_share_location',
    label: 'Block turning on location',
    blocks: 'Turning on location sharing; apps get no location while it is off.',
    minSdk: 18,
    group: 'device',
  },
  {
    key: 'no_adjust_volume',
    label: 'Block volume changes',
    blocks: 'Adjusting the volume and muting the phone.',
    minSdk: 21,
    group: 'device',
  },
  {
    key: 'no_config_screen_timeout',
    label: 'Block screen timeout settings',
    blocks: 'Changing how long the screen stays on.',
    minSdk: 28,
    group: 'device',
  },
  {
    key: 'no_config_brightness',
    label: 'Block brightness settings',
    blocks: 'Changing the screen brightness.',
    minSdk: 28,
    group: 'device',
  },
  {
    key: 'no_outgoing_calls',
    label: 'Block outgoing calls',
    blocks: 'Making phone calls, emergency calls excepted.',
    minSdk: 21,
    group: 'device',
  },
  {
    key: 'no_sms',
    label: 'Block SMS',
    blocks: 'Sending and receiving SMS messages.',
    minSdk: 21,
    group: 'device',
  },
  {
    key: 'no_add_user',
    label: 'Block adding users',
    blocks: 'Adding users or guest profiles to the phone.',
    minSdk: 17,
    group: 'users',
  },
  {
    key: 'no_remove_user',
    label: 'Block removing users',
    blocks: 'Removing users from the phone.',
    minSdk: 17,
    group: 'users',
  },
  {
    key: 'no_modify_accounts',
    label: 'Block account changes',
    blocks: 'Adding or removing Google and other accounts.',
    minSdk: 18,
    group: 'users',
  },
  {
    key: 'no_config_credentials',
    label: 'Block credential settings',
    blocks: 'Installing or removing user certificates and credentials.',
    minSdk: 18,
    group: 'users',
  },
  {
    key: 'no_usb_file_transfer',
    label: 'Block USB file transfer',
    blocks: 'Copying files over USB (MTP and PTP). The "block USB storage" setting adds it too.',
    minSdk: 18,
    group: 'data',
  },
  {
    key: 'no_physical_media',
    label: 'Block SD cards and USB drives',
    blocks: 'Mounting SD cards and USB drives. The "block USB storage" setting adds it too.',
    minSdk: 19,
    group: 'data',
  },
  {
    key: 'no_outgoing_beam',
    label: 'Block NFC beam',
    blocks: 'Sending data to another phone over NFC.',
    minSdk: 22,
    group: 'data',
  },
  {
    key: 'no_bluetooth_sharing',
    label: 'Block Bluetooth file sharing',
    blocks: 'Sending files over Bluetooth.',
    minSdk: 26,
    group: 'data',
  },
];

const BY_KEY = new Map(RESTRICTION_CATALOG.map((entry) => [entry.key, entry]));

/** Catalogue entry of a restriction key, or undefined for a key the catalogue lacks. */
export function findRestriction(key: string): RestrictionInfo | undefined {
  return BY_KEY.get(key);
}

export function isCatalogRestriction(key: string): boolean {
  return BY_KEY.has(key);
}

/**
 * Form of any Android user-restriction key: lower case, digits and
 * underscores, as every `UserManager.DISALLOW_*` value is written.
 */
export const RESTRICTION_KEY_PATTERN = '^[a-z][a-z0-9_]{2,63}$';
