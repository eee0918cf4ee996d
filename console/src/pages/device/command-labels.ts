import i18n from '@dhis2/d2-i18n';

import type { CommandType } from '../../api/devices.js';

/** Label of a command type, e.g. for the command list and the type picker. */
export function commandTypeLabel(type: string): string {
  switch (type as CommandType) {
    case 'reboot':
      return i18n.t('Reboot');
    case 'lock':
      return i18n.t('Lock');
    case 'unlock':
      return i18n.t('Unlock');
    case 'wipe':
      return i18n.t('Wipe (factory reset)');
    case 'passwordReset':
      return i18n.t('Reset the screen-lock password');
    case 'uninstallApp':
      return i18n.t('Uninstall an app');
    case 'clearAppData':
      return i18n.t('Clear the data of an app');
    case 'grantPermissions':
      return i18n.t('Grant app permissions');
    case 'message':
      return i18n.t('Send a message');
    case 'sync':
      return i18n.t('Sync the configuration now');
    default:
      return type;
  }
}

/** Command types a bulk action offers; a screen-lock password is set per device. */
export const BULK_COMMAND_TYPES: CommandType[] = [
  'lock',
  'unlock',
  'reboot',
  'sync',
  'message',
  'uninstallApp',
  'clearAppData',
  'grantPermissions',
  'wipe',
];

/** Command types the device page offers. */
export const DEVICE_COMMAND_TYPES: CommandType[] = [
  'reboot',
  'lock',
  'unlock',
  'sync',
  'message',
  'uninstallApp',
  'clearAppData',
  'grantPermissions',
  'passwordReset',
  'wipe',
];
