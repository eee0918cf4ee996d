import i18n from '@dhis2/d2-i18n';
import { Button, CheckboxField, InputField, NoticeBox } from '@dhis2/ui';
import { useEffect, useState, type ChangeEvent } from 'react';

import { ErrorNotice } from '../../components/ErrorNotice.js';
import { fromLocalInputValue, toLocalInputValue } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { fetchEnrolmentRules, fetchPreregisteredCount, saveEnrolmentRules, uploadPreregisteredCsv, type PreregistrationResult } from './settings-api.js';

interface Form {
  open: boolean;
  opensAt: string;
  closesAt: string;
  requirePreregistered: boolean;
}

/** Shows and edits the enrolment switch, window and pre-registration rule, and imports serials and IMEIs from CSV. */
export function EnrolmentRulesSection({ canEdit }: { canEdit: boolean }) {
  const stored = useApiData(fetchEnrolmentRules, []);
  const listed = useApiData(fetchPreregisteredCount, []);
  const [form, setForm] = useState<Form | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [imported, setImported] = useState<PreregistrationResult | null>(null);

  useEffect(() => {
    if (!stored.data) return;
    const rules = stored.data;
    setForm({
      open: rules.open,
      opensAt: rules.opensAt === null ? '' : toLocalInputValue(rules.opensAt),
      closesAt: rules.closesAt === null ? '' : toLocalInputValue(rules.closesAt),
      requirePreregistered: rules.requirePreregistered,
    });
  }, [stored.data]);

  const save = async () => {
    if (!form) return;
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      await saveEnrolmentRules({
        open: form.open,
        opensAt: fromLocalInputValue(form.opensAt),
        closesAt: fromLocalInputValue(form.closesAt),
        requirePreregistered: form.requirePreregistered,
      });
      setSaved(true);
      stored.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setError(null);
    try {
      setImported(await uploadPreregisteredCsv(await file.text()));
      listed.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <Section title={i18n.t('Enrolment rules')} dataTest="enrolment-rules">
      <ErrorNotice error={stored.error} title={i18n.t('The enrolment rules could not be loaded')} />
      {!form && stored.loading && <Loading />}
      {form && (
        <>
          <CheckboxField
            label={i18n.t('Enrolment is open')}
            checked={form.open}
            disabled={!canEdit}
            onChange={({ checked }) => setForm({ ...form, open: checked })}
            dataTest="rules-open"
          />
          <InputField
            label={i18n.t('Window opens (empty: no start)')}
            type="datetime-local"
            value={form.opensAt}
            disabled={!canEdit}
            onChange={({ value }) => setForm({ ...form, opensAt: value ?? '' })}
            dataTest="rules-opens-at"
          />
          <InputField
            label={i18n.t('Window closes (empty: no end)')}
            type="datetime-local"
            value={form.closesAt}
            disabled={!canEdit}
            onChange={({ value }) => setForm({ ...form, closesAt: value ?? '' })}
            dataTest="rules-closes-at"
          />
          <CheckboxField
            label={i18n.t('Only phones with a pre-registered serial or IMEI may enrol')}
            checked={form.requirePreregistered}
            disabled={!canEdit}
            onChange={({ checked }) => setForm({ ...form, requirePreregistered: checked })}
            dataTest="rules-preregistered"
          />
        </>
      )}
      <p data-test="preregistered-count">{i18n.t('Pre-registered serials and IMEIs: {{count}}', { count: listed.data ?? 0 })}</p>
      <ErrorNotice error={error} title={i18n.t('The enrolment rules were not saved')} />
      {saved && <NoticeBox title={i18n.t('Enrolment rules saved')} />}
      {imported && (
        <NoticeBox title={i18n.t('CSV imported')} warning={imported.errors.length > 0} dataTest="preregistered-result">
          {i18n.t('{{added}} added, {{already}} already listed, {{rejected}} rows rejected.', {
            added: imported.added,
            already: imported.alreadyListed,
            rejected: imported.errors.length,
          })}
          <ul>
            {imported.errors.map((rowError) => (
              <li key={rowError.row}>{i18n.t('Line {{row}}: {{message}}', { row: rowError.row, message: rowError.message })}</li>
            ))}
          </ul>
        </NoticeBox>
      )}
      {canEdit && (
        <>
          <Button primary onClick={() => void save()} loading={saving} disabled={!form} dataTest="rules-save">
            {i18n.t('Save enrolment rules')}
          </Button>
          <p>
            <label>
              {i18n.t('Import serials and IMEIs from a CSV file (first column: serial or IMEI, second: label)')}{' '}
              <input type="file" accept=".csv,text/csv" onChange={(event) => void importFile(event)} data-test="preregistered-file" />
            </label>
          </p>
        </>
      )}
    </Section>
  );
}
