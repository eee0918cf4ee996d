import i18n from '@dhis2/d2-i18n';
import { InputField, NoticeBox, Switch } from '@dhis2/ui';

import { TriStateSelect } from './form-controls.js';
import styles from './PolicyForm.module.css';
import type { FieldsProps } from './SecurityFields.js';
import { yesNoOptions } from './setting-options.js';

type KioskFlag = 'kioskHome' | 'kioskRecents' | 'kioskNotifications' | 'kioskSystemInfo' | 'kioskKeyguard' | 'kioskLockButtons' | 'lockStatusBar';

function kioskFlags(): { key: KioskFlag; label: string }[] {
  return [
    { key: 'kioskHome', label: i18n.t('Home button in kiosk') },
    { key: 'kioskRecents', label: i18n.t('Recent apps button in kiosk') },
    { key: 'kioskNotifications', label: i18n.t('Notifications in kiosk') },
    { key: 'kioskSystemInfo', label: i18n.t('System info in the status bar in kiosk') },
    { key: 'kioskKeyguard', label: i18n.t('Lock screen in kiosk') },
    { key: 'kioskLockButtons', label: i18n.t('Lock the power and volume buttons in kiosk') },
    { key: 'lockStatusBar', label: i18n.t('Block the status bar') },
  ];
}

/** Kiosk and status-bar settings, which only a paid agent build applies. */
export function PaidAgentFields({ settings, onChange }: FieldsProps) {
  return (
    <>
      <NoticeBox title={i18n.t('Paid agent only')} dataTest="paid-agent-notice">
        {i18n.t(
          'The open-source agent ignores these settings. Outpost sends them, but never reports a device running the open-source agent as compliant with them.',
        )}
      </NoticeBox>
      <div className={styles.grid}>
        <Switch
          label={i18n.t('Kiosk mode')}
          checked={settings.kioskMode}
          onChange={({ checked }) => onChange({ kioskMode: checked })}
          dataTest="kiosk-mode"
        />
        <InputField
          label={i18n.t('Kiosk app package')}
          inputWidth="260px"
          placeholder="com.dhis2"
          value={settings.kioskApp ?? ''}
          onChange={({ value }) => onChange({ kioskApp: value?.trim() ? value.trim() : null })}
          dataTest="kiosk-app"
        />
      </div>
      <div className={styles.grid}>
        {kioskFlags().map((flag) => (
          <TriStateSelect
            key={flag.key}
            label={flag.label}
            value={settings[flag.key]}
            options={yesNoOptions()}
            onChange={(value) => onChange({ [flag.key]: value })}
            dataTest={`paid-${flag.key}`}
          />
        ))}
      </div>
    </>
  );
}
