import i18n from '@dhis2/d2-i18n';

import type { DownloadNetwork } from '../../api/types.js';
import { Select, TimeInput } from './form-controls.js';
import styles from './PolicyForm.module.css';
import type { FieldsProps } from './SecurityFields.js';
import { downloadNetworkOptions, nullIfUnmanaged, systemUpdateOptions, UNMANAGED } from './setting-options.js';

/** OS update policy and window, app update window and download network of a policy. */
export function UpdateFields({ settings, onChange }: FieldsProps) {
  return (
    <>
      <div className={styles.grid}>
        <Select
          label={i18n.t('OS updates')}
          selected={String(settings.systemUpdateType)}
          options={systemUpdateOptions()}
          onChange={(value) => onChange({ systemUpdateType: Number(value) })}
          dataTest="system-update-type"
        />
        {settings.systemUpdateType === 2 && (
          <>
            <TimeInput
              label={i18n.t('OS update window from')}
              value={settings.systemUpdateFrom}
              onChange={(systemUpdateFrom) => onChange({ systemUpdateFrom })}
              dataTest="system-update-from"
            />
            <TimeInput
              label={i18n.t('OS update window to')}
              value={settings.systemUpdateTo}
              onChange={(systemUpdateTo) => onChange({ systemUpdateTo })}
              dataTest="system-update-to"
            />
          </>
        )}
        <Select
          label={i18n.t('Download network for apps')}
          selected={settings.downloadNetwork ?? UNMANAGED}
          options={downloadNetworkOptions()}
          onChange={(value) => onChange({ downloadNetwork: nullIfUnmanaged<DownloadNetwork>(value) })}
          dataTest="download-network"
        />
      </div>

      <h3 className={styles.subheading}>{i18n.t('App update window')}</h3>
      <p className={styles.help}>
        {i18n.t('Devices install app updates only between these times. Leave both empty to allow updates at any time.')}
      </p>
      <div className={styles.grid}>
        <TimeInput
          label={i18n.t('From')}
          value={settings.appUpdateFrom}
          onChange={(appUpdateFrom) => onChange({ appUpdateFrom })}
          dataTest="update-from"
        />
        <TimeInput
          label={i18n.t('To')}
          value={settings.appUpdateTo}
          onChange={(appUpdateTo) => onChange({ appUpdateTo })}
          dataTest="update-to"
        />
      </div>
    </>
  );
}
