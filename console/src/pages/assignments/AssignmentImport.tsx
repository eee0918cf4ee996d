import i18n from '@dhis2/d2-i18n';
import { Button, ButtonStrip, DataTable, DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow, NoticeBox } from '@dhis2/ui';
import { useState, type ChangeEvent } from 'react';

import { assignmentExportUrl, importAssignments, type ImportResult } from '../../api/users.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';

function changeText(change: { from: string | null; to: string | null } | undefined): string {
  if (!change) return '';
  return `${change.from ?? '—'} → ${change.to ?? '—'}`;
}

/** Exports the assignment sheet, and imports an edited one after a dry run shows its changes. */
export function AssignmentImport() {
  const [csv, setCsv] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [applied, setApplied] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (text: string, dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const result = await importAssignments(text, dryRun);
      if (dryRun) setPreview(result);
      else {
        setApplied(result);
        setPreview(null);
        setCsv(null);
      }
    } catch (failure) {
      setError(failure);
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const text = await file.text();
    setCsv({ name: file.name, text });
    setApplied(null);
    await run(text, true);
  };

  return (
    <Section title={i18n.t('Device assignments as a spreadsheet')} dataTest="assignment-import">
      <p>
        {i18n.t(
          'Export the sheet, fill in the DHIS2 username and org unit of each phone in a spreadsheet program, save it as CSV and import it. Every row is checked first: if one row is wrong, nothing changes.',
        )}
      </p>
      <ButtonStrip>
        <a href={assignmentExportUrl()} download="outpost-assignments.csv" data-test="assignment-export">
          {i18n.t('Export CSV')}
        </a>
        <label>
          <span>{i18n.t('Import CSV')}: </span>
          <input type="file" accept=".csv,text/csv" onChange={(event) => void choose(event)} data-test="assignment-file" />
        </label>
      </ButtonStrip>
      <ErrorNotice error={error} title={i18n.t('The file cannot be imported')} />
      {applied && (
        <NoticeBox title={i18n.t('Imported')} dataTest="assignment-applied">
          {i18n.t('{{count}} devices changed.', { count: applied.changes.length })}
        </NoticeBox>
      )}
      {preview && csv && (
        <div data-test="assignment-preview">
          <p>
            {i18n.t('{{file}}: {{rows}} rows checked, {{count}} devices would change.', {
              file: csv.name,
              rows: preview.rows,
              count: preview.changes.length,
            })}
          </p>
          {preview.changes.length > 0 && (
            <DataTable>
              <DataTableHead>
                <DataTableRow>
                  <DataTableColumnHeader>{i18n.t('Row')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Device')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Health worker')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Org unit')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Own policy')}</DataTableColumnHeader>
                </DataTableRow>
              </DataTableHead>
              <DataTableBody>
                {preview.changes.map((change) => (
                  <DataTableRow key={change.row}>
                    <DataTableCell>{change.row}</DataTableCell>
                    <DataTableCell>{change.deviceId}</DataTableCell>
                    <DataTableCell>{changeText(change.changes.dhis2UserId)}</DataTableCell>
                    <DataTableCell>{changeText(change.changes.orgUnitId)}</DataTableCell>
                    <DataTableCell>{changeText(change.changes.policyId)}</DataTableCell>
                  </DataTableRow>
                ))}
              </DataTableBody>
            </DataTable>
          )}
          <ButtonStrip>
            <Button primary loading={busy} disabled={preview.changes.length === 0} onClick={() => void run(csv.text, false)} dataTest="assignment-apply">
              {i18n.t('Apply these changes')}
            </Button>
            <Button secondary onClick={() => setPreview(null)}>
              {i18n.t('Cancel')}
            </Button>
          </ButtonStrip>
        </div>
      )}
    </Section>
  );
}
