import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox } from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { fetchContactStateSettings, saveContactStateSettings } from '../../api/locations.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import styles from './ContactThresholds.module.css';

/**
 * Minutes after which devices count as late and offline, for every console
 * user. Admins change them; the server checks the values and names the field
 * at fault.
 */
export function ContactThresholds({ onSaved }: { onSaved: () => void }) {
  const loaded = useApiData(fetchContactStateSettings, []);
  const [late, setLate] = useState('');
  const [offline, setOffline] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!loaded.data) return;
    setLate(String(loaded.data.lateAfterMinutes));
    setOffline(String(loaded.data.offlineAfterMinutes));
  }, [loaded.data]);

  const save = async () => {
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      await saveContactStateSettings({ lateAfterMinutes: Number(late), offlineAfterMinutes: Number(offline) });
      setSaved(true);
      loaded.reload();
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Section title={i18n.t('Contact-state thresholds')} dataTest="contact-thresholds">
      <p>
        {i18n.t(
          'Phones report every 15 minutes and sync at least hourly. A device is late after the first threshold and offline after the second.',
        )}
      </p>
      <div className={styles.fields}>
        <InputField
          label={i18n.t('Late after (minutes)')}
          type="number"
          min="1"
          inputWidth="140px"
          value={late}
          onChange={({ value }) => setLate(value ?? '')}
          dataTest="contact-late-minutes"
        />
        <InputField
          label={i18n.t('Offline after (minutes)')}
          type="number"
          min="2"
          inputWidth="140px"
          value={offline}
          onChange={({ value }) => setOffline(value ?? '')}
          dataTest="contact-offline-minutes"
        />
        <Button primary onClick={save} loading={saving} dataTest="contact-thresholds-save">
          {i18n.t('Save thresholds')}
        </Button>
      </div>
      {loaded.data?.source === 'config' && (
        <p className={styles.hint}>{i18n.t('These are the server defaults; saving stores them for every user.')}</p>
      )}
      <ErrorNotice error={loaded.error ?? error} title={i18n.t('The thresholds were not saved')} />
      {saved && <NoticeBox title={i18n.t('Thresholds saved')} dataTest="contact-thresholds-saved" />}
    </Section>
  );
}
