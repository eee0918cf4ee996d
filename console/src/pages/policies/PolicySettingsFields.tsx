import i18n from '@dhis2/d2-i18n';
import { InputField, SingleSelectField, SingleSelectOption } from '@dhis2/ui';

import type { DownloadNetwork, PasswordMode, PolicySettings, PushMode } from '../../api/types.js';
import styles from './PolicyForm.module.css';
import {
  downloadNetworkOptions,
  passwordModeOptions,
  pushModeOptions,
  radioOptions,
  radioSetting,
  radioValue,
  UNMANAGED,
  type Option,
} from './setting-options.js';

interface Props {
  settings: PolicySettings;
  onChange: (change: Partial<PolicySettings>) => void;
}

type RadioKey = 'gps' | 'wifi' | 'bluetooth' | 'mobileData';

function radios(): { key: RadioKey; label: string }[] {
  return [
    { key: 'gps', label: i18n.t('GPS') },
    { key: 'wifi', label: i18n.t('Wi-Fi') },
    { key: 'bluetooth', label: i18n.t('Bluetooth') },
    { key: 'mobileData', label: i18n.t('Mobile data') },
  ];
}

interface SelectProps {
  label: string;
  selected: string;
  options: Option[];
  onChange: (value: string) => void;
  dataTest?: string;
}

function Select(props: SelectProps) {
  return (
    <SingleSelectField
      label={props.label}
      inputWidth="340px"
      selected={props.selected}
      onChange={({ selected }) => props.onChange(selected)}
      dataTest={props.dataTest}
    >
      {props.options.map((option) => (
        <SingleSelectOption key={option.value} value={option.value} label={option.label} />
      ))}
    </SingleSelectField>
  );
}

function nullIfUnmanaged<T extends string>(value: string): T | null {
  return value === UNMANAGED ? null : (value as T);
}

/** Push, password, radio, update-window and download settings of a policy. */
export function PolicySettingsFields({ settings, onChange }: Props) {
  return (
    <>
      <div className={styles.grid}>
        <Select
          label={i18n.t('Push mode')}
          selected={settings.pushMode}
          options={pushModeOptions()}
          onChange={(value) => onChange({ pushMode: value as PushMode })}
          dataTest="push-mode"
        />
        <Select
          label={i18n.t('Screen-lock password quality')}
          selected={settings.passwordMode ?? UNMANAGED}
          options={passwordModeOptions()}
          onChange={(value) => onChange({ passwordMode: nullIfUnmanaged<PasswordMode>(value) })}
          dataTest="password-mode"
        />
        <Select
          label={i18n.t('Download network for apps')}
          selected={settings.downloadNetwork ?? UNMANAGED}
          options={downloadNetworkOptions()}
          onChange={(value) => onChange({ downloadNetwork: nullIfUnmanaged<DownloadNetwork>(value) })}
          dataTest="download-network"
        />
      </div>

      <h3 className={styles.subheading}>{i18n.t('Radios')}</h3>
      <div className={styles.grid}>
        {radios().map((radio) => (
          <Select
            key={radio.key}
            label={radio.label}
            selected={radioValue(settings[radio.key])}
            options={radioOptions()}
            onChange={(value) => onChange({ [radio.key]: radioSetting(value) })}
            dataTest={`radio-${radio.key}`}
          />
        ))}
      </div>

      <h3 className={styles.subheading}>{i18n.t('App update window')}</h3>
      <p className={styles.help}>
        {i18n.t('Devices install app updates only between these times. Leave both empty to allow updates at any time.')}
      </p>
      <div className={styles.grid}>
        <InputField
          label={i18n.t('From')}
          type="time"
          inputWidth="140px"
          value={settings.appUpdateFrom ?? ''}
          onChange={({ value }) => onChange({ appUpdateFrom: value || null })}
          dataTest="update-from"
        />
        <InputField
          label={i18n.t('To')}
          type="time"
          inputWidth="140px"
          value={settings.appUpdateTo ?? ''}
          onChange={({ value }) => onChange({ appUpdateTo: value || null })}
          dataTest="update-to"
        />
      </div>
    </>
  );
}
