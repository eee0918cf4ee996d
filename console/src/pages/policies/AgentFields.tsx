import i18n from '@dhis2/d2-i18n';
import { InputField, Switch } from '@dhis2/ui';
import { useState } from 'react';

import type { PushMode } from '../../api/types.js';
import { NumberInput, Select } from './form-controls.js';
import styles from './PolicyForm.module.css';
import type { FieldsProps } from './SecurityFields.js';
import { iconSizeOptions, pushModeOptions, UNMANAGED } from './setting-options.js';

const COLOUR = /^#[0-9a-fA-F]{6}$/;

interface ColourProps {
  label: string;
  value: string | null;
  placeholder: string;
  onChange: (value: string | null) => void;
  dataTest: string;
}

/** Text field for a #rrggbb colour; the setting changes only while the text is a full colour or empty. */
function ColourInput({ label, value, placeholder, onChange, dataTest }: ColourProps) {
  const [text, setText] = useState(value ?? '');
  const valid = text.trim() === '' || COLOUR.test(text.trim());

  return (
    <InputField
      label={label}
      inputWidth="120px"
      placeholder={placeholder}
      value={text}
      error={!valid}
      validationText={valid ? undefined : i18n.t('Enter a colour as #rrggbb')}
      onChange={({ value: next }) => {
        const typed = next ?? '';
        setText(typed);
        if (typed.trim() === '') onChange(null);
        else if (COLOUR.test(typed.trim())) onChange(typed.trim());
      }}
      dataTest={dataTest}
    />
  );
}

/** Push transport and the agent's own behaviour and look. */
export function AgentFields({ settings, onChange }: FieldsProps) {
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
        <NumberInput
          label={i18n.t('MQTT keep-alive (seconds)')}
          value={settings.keepaliveSeconds}
          min={30}
          max={3600}
          helpText={i18n.t('30 to 3600')}
          onChange={(value) => onChange({ keepaliveSeconds: value ?? 300 })}
          dataTest="keepalive"
        />
        <InputField
          label={i18n.t('Launcher title')}
          inputWidth="200px"
          helpText={i18n.t('deviceId, imei, serialNumber, description or none')}
          value={settings.title}
          onChange={({ value }) => onChange({ title: value ?? '' })}
          dataTest="launcher-title"
        />
        <ColourInput
          label={i18n.t('Background colour')}
          placeholder="#1565c0"
          value={settings.backgroundColor}
          onChange={(backgroundColor) => onChange({ backgroundColor })}
          dataTest="background-colour"
        />
        <ColourInput
          label={i18n.t('Text colour')}
          placeholder="#ffffff"
          value={settings.textColor}
          onChange={(textColor) => onChange({ textColor })}
          dataTest="text-colour"
        />
        <Select
          label={i18n.t('Icon size')}
          selected={settings.iconSize === null ? UNMANAGED : String(settings.iconSize)}
          options={iconSizeOptions()}
          onChange={(value) => onChange({ iconSize: value === UNMANAGED ? null : Number(value) })}
          dataTest="icon-size"
        />
      </div>
      <div className={styles.switches}>
        <Switch
          label={i18n.t('Background mode: keep the phone\'s own home screen')}
          checked={settings.backgroundMode}
          onChange={({ checked }) => onChange({ backgroundMode: checked })}
          dataTest="background-mode"
        />
        <Switch
          label={i18n.t('Show status icons on the agent home screen')}
          checked={settings.displayStatus}
          onChange={({ checked }) => onChange({ displayStatus: checked })}
          dataTest="display-status"
        />
        <Switch
          label={i18n.t('Open Wi-Fi settings when the server cannot be reached')}
          checked={settings.showWifiOnError}
          onChange={({ checked }) => onChange({ showWifiOnError: checked })}
          dataTest="show-wifi"
        />
        <Switch
          label={i18n.t('Permissive mode: leave apps outside the policy alone')}
          checked={settings.permissive}
          onChange={({ checked }) => onChange({ permissive: checked })}
          dataTest="permissive"
        />
        <Switch
          label={i18n.t('Keep apps started at boot in the foreground')}
          checked={settings.autostartForeground}
          onChange={({ checked }) => onChange({ autostartForeground: checked })}
          dataTest="autostart-foreground"
        />
      </div>
    </>
  );
}
