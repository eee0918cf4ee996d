import i18n from '@dhis2/d2-i18n';
import { InputField } from '@dhis2/ui';

import { NumberInput, Select, TriStateSelect } from './form-controls.js';
import styles from './PolicyForm.module.css';
import type { FieldsProps } from './SecurityFields.js';
import { orientationOptions, yesNoOptions } from './setting-options.js';

/** Time zone, screen timeout, brightness, volume and orientation of a policy. */
export function DisplayFields({ settings, onChange }: FieldsProps) {
  return (
    <div className={styles.grid}>
      <InputField
        label={i18n.t('Time zone')}
        inputWidth="260px"
        placeholder="Africa/Kampala"
        helpText={i18n.t('"auto", or an IANA time zone such as Africa/Kampala. Empty leaves it to the user. Android 9+.')}
        value={settings.timeZone ?? ''}
        onChange={({ value }) => onChange({ timeZone: value?.trim() ? value.trim() : null })}
        dataTest="time-zone"
      />
      <NumberInput
        label={i18n.t('Screen timeout (seconds)')}
        value={settings.screenTimeoutSeconds}
        min={5}
        max={86400}
        onChange={(screenTimeoutSeconds) => onChange({ screenTimeoutSeconds })}
        dataTest="screen-timeout"
      />
      <TriStateSelect
        label={i18n.t('Automatic brightness')}
        value={settings.autoBrightness}
        options={yesNoOptions()}
        onChange={(autoBrightness) => onChange({ autoBrightness })}
        dataTest="auto-brightness"
      />
      <NumberInput
        label={i18n.t('Brightness')}
        value={settings.brightness}
        min={0}
        max={255}
        onChange={(brightness) => onChange({ brightness })}
        dataTest="brightness"
      />
      <NumberInput
        label={i18n.t('Volume (%)')}
        value={settings.volumePercent}
        min={0}
        max={100}
        onChange={(volumePercent) => onChange({ volumePercent })}
        dataTest="volume"
      />
      <TriStateSelect
        label={i18n.t('Lock the volume')}
        value={settings.lockVolume}
        options={yesNoOptions()}
        onChange={(lockVolume) => onChange({ lockVolume })}
        dataTest="lock-volume"
      />
      <Select
        label={i18n.t('Screen orientation')}
        selected={String(settings.orientation)}
        options={orientationOptions()}
        onChange={(value) => onChange({ orientation: Number(value) })}
        dataTest="orientation"
      />
    </div>
  );
}
