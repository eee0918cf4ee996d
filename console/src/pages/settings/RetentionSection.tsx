import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox } from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { fetchRetention, saveRetention, type RetentionSettings } from './settings-api.js';

type Kind = keyof RetentionSettings;

const KINDS: Array<{ kind: Kind; label: () => string }> = [
  { kind: 'locationDays', label: () => i18n.t('Location history (days)') },
  { kind: 'deviceLogDays', label: () => i18n.t('Device logs (days)') },
  { kind: 'auditEventDays', label: () => i18n.t('Audit events (days)') },
  { kind: 'finishedCommandDays', label: () => i18n.t('Finished commands (days)') },
  { kind: 'syncRunDays', label: () => i18n.t('DHIS2 sync runs (days)') },
  { kind: 'bulkJobDays', label: () => i18n.t('Bulk jobs (days)') },
];

/** Shows how long each kind of record is kept, and lets admins change it. */
export function RetentionSection({ canEdit }: { canEdit: boolean }) {
  const stored = useApiData(fetchRetention, []);
  const [values, setValues] = useState<Record<Kind, string> | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!stored.data) return;
    const data = stored.data;
    setValues(Object.fromEntries(KINDS.map(({ kind }) => [kind, String(data[kind])])) as Record<Kind, string>);
  }, [stored.data]);

  const save = async () => {
    if (!values) return;
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const body = Object.fromEntries(KINDS.map(({ kind }) => [kind, Number(values[kind])]));
      await saveRetention(body);
      setSaved(true);
      stored.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Section title={i18n.t('Retention')} dataTest="retention-settings">
      <p>{i18n.t('Records older than these periods are deleted every hour. Queued and sent commands are always kept.')}</p>
      <ErrorNotice error={stored.error} title={i18n.t('The retention settings could not be loaded')} />
      {!values && stored.loading && <Loading />}
      {values &&
        KINDS.map(({ kind, label }) => (
          <InputField
            key={kind}
            label={label()}
            type="number"
            min="1"
            value={values[kind]}
            disabled={!canEdit}
            onChange={({ value }) => setValues({ ...values, [kind]: value ?? '' })}
            dataTest={`retention-${kind}`}
          />
        ))}
      <ErrorNotice error={error} title={i18n.t('The retention settings were not saved')} />
      {saved && <NoticeBox title={i18n.t('Retention settings saved')} />}
      {canEdit && (
        <Button primary onClick={() => void save()} loading={saving} disabled={!values} dataTest="retention-save">
          {i18n.t('Save retention')}
        </Button>
      )}
    </Section>
  );
}
