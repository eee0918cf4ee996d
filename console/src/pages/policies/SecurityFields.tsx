import i18n from '@dhis2/d2-i18n';
import { Switch } from '@dhis2/ui';

import type { AppPermissions, LocationUpdates, PasswordMode, PolicySettings } from '../../api/types.js';
import { Select, TriStateSelect } from './form-controls.js';
import styles from './PolicyForm.module.css';
import {
  appPermissionOptions,
  locationUpdateOptions,
  nullIfUnmanaged,
  passwordModeOptions,
  UNMANAGED,
  yesNoOptions,
} from './setting-options.js';

export interface FieldsProps {
  settings: PolicySettings;
  onChange: (change: Partial<PolicySettings>) => void;
}

type RadioKey = 'gps' | 'wifi' | 'bluetooth' | 'mobileData';

function radios(): { key: RadioKey; label: string; help: string }[] {
  return [
    { key: 'gps', label: i18n.t('GPS'), help: i18n.t('The agent asks the user to change it') },
    { key: 'wifi', label: i18n.t('Wi-Fi'), help: i18n.t('The agent switches it itself') },
    { key: 'bluetooth', label: i18n.t('Bluetooth'), help: i18n.t('The agent switches it itself') },
    { key: 'mobileData', label: i18n.t('Mobile data'), help: i18n.t('The agent asks the user to change it') },
  ];
}

/** Screen lock, screenshots, USB storage, permissions, radios and location of a policy. */
export function SecurityFields({ settings, onChange }: FieldsProps) {
  return (
    <>
      <div className={styles.grid}>
        <Select
          label={i18n.t('Screen-lock password quality')}
          selected={settings.passwordMode ?? UNMANAGED}
          options={passwordModeOptions()}
          onChange={(value) => onChange({ passwordMode: nullIfUnmanaged<PasswordMode>(value) })}
          dataTest="password-mode"
        />
        <TriStateSelect
          label={i18n.t('Block USB storage and file transfer')}
          value={settings.blockUsbStorage}
          options={yesNoOptions()}
          onChange={(blockUsbStorage) => onChange({ blockUsbStorage })}
          dataTest="block-usb-storage"
        />
        <Select
          label={i18n.t('App permissions')}
          selected={settings.appPermissions ?? UNMANAGED}
          options={appPermissionOptions()}
          onChange={(value) => onChange({ appPermissions: nullIfUnmanaged<AppPermissions>(value) })}
          dataTest="app-permissions"
        />
      </div>
      <Switch
        label={i18n.t('Block screenshots and screen recording')}
        checked={settings.disableScreenshots}
        onChange={({ checked }) => onChange({ disableScreenshots: checked })}
        dataTest="disable-screenshots"
      />

      <h3 className={styles.subheading}>{i18n.t('Radios')}</h3>
      <div className={styles.grid}>
        {radios().map((radio) => (
          <div key={radio.key} title={radio.help}>
            <TriStateSelect
              label={radio.label}
              value={settings[radio.key]}
              onChange={(value) => onChange({ [radio.key]: value })}
              dataTest={`radio-${radio.key}`}
            />
          </div>
        ))}
      </div>

      <h3 className={styles.subheading}>{i18n.t('Location')}</h3>
      <div className={styles.grid}>
        <Select
          label={i18n.t('Location updates')}
          selected={settings.locationUpdates ?? UNMANAGED}
          options={locationUpdateOptions()}
          helpText={i18n.t('Keeps the last known position fresh; it is sent with every device report.')}
          onChange={(value) => onChange({ locationUpdates: nullIfUnmanaged<LocationUpdates>(value) })}
          dataTest="location-updates"
        />
      </div>
    </>
  );
}
