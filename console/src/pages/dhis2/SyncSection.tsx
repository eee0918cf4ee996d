import i18n from '@dhis2/d2-i18n';
import {
  Button,
  Checkbox,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  InputField,
  LinearLoader,
  Switch,
} from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { fetchSyncRun, fetchSyncRuns, saveSyncSettings, startSync, type SyncCounts, type SyncRun, type SyncStatus } from '../../api/dhis2.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import styles from './Dhis2.module.css';

// A run reports progress after each page; a second between polls shows it
// moving without loading the server.
const POLL_MS = 1000;

interface Props {
  status: SyncStatus;
  canEdit: boolean;
  onChanged: () => void;
}

/** Sync now, the schedule, the progress of a running sync, and the log of runs. */
export function SyncSection({ status, canEdit, onChanged }: Props) {
  const runs = useApiData(() => fetchSyncRuns(20), []);
  const [running, setRunning] = useState<SyncRun | null>(status.running);
  const [full, setFull] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [settings, setSettings] = useState(status.settings);
  const [interval, setIntervalText] = useState(String(status.settings.intervalMinutes));
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => setRunning(status.running), [status.running]);

  useEffect(() => {
    if (!running || running.state !== 'running') return;
    const timer = setTimeout(() => {
      fetchSyncRun(running.id).then(
        (run) => {
          setRunning(run);
          if (run.state !== 'running') {
            runs.reload();
            onChanged();
          }
        },
        (failure: unknown) => setError(failure),
      );
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [running]);

  const start = async () => {
    setError(null);
    try {
      setRunning(await startSync(full));
      runs.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const saveSchedule = async (next: { enabled: boolean; intervalMinutes: number }) => {
    setError(null);
    try {
      setSettings(await saveSyncSettings(next));
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };

  const active = running?.state === 'running';
  return (
    <Section title={i18n.t('Synchronisation')} dataTest="dhis2-sync">
      <p className={styles.help}>
        {i18n.t(
          'Each sync reads org units, users and user groups from DHIS2 and saves them in one step at the end, so a failed sync leaves the last good data in place. Units and users removed in DHIS2 are kept and marked removed, because devices may still point at them.',
        )}
      </p>
      <p data-test="dhis2-totals">
        {i18n.t('{{units}} org units and {{users}} users from DHIS2.', { units: status.totals.units, users: status.totals.users })}{' '}
        {status.lastSucceeded && i18n.t('Last good sync {{time}}.', { time: formatTime(status.lastSucceeded.finishedAt) })}{' '}
        {status.nextRunAt !== null && i18n.t('Next scheduled sync {{time}}.', { time: formatTime(status.nextRunAt) })}
      </p>
      {canEdit && (
        <div className={styles.row}>
          <Button primary onClick={() => void start()} disabled={active || !status.configured} dataTest="dhis2-sync-now">
            {i18n.t('Sync now')}
          </Button>
          <Checkbox label={i18n.t('Read everything (full sync)')} checked={full} onChange={({ checked }) => setFull(checked)} />
        </div>
      )}
      {running && <RunProgress run={running} />}
      <ErrorNotice error={error} title={i18n.t('The sync could not be started or changed')} />

      <h3>{i18n.t('Schedule')}</h3>
      <div className={styles.row}>
        <Switch
          label={i18n.t('Sync on a schedule')}
          checked={settings.enabled}
          disabled={!canEdit}
          onChange={({ checked }) => void saveSchedule({ ...settings, enabled: checked })}
          dataTest="dhis2-schedule-enabled"
        />
        <InputField
          label={i18n.t('Every (minutes)')}
          type="number"
          value={interval}
          disabled={!canEdit}
          onChange={({ value }) => setIntervalText(value ?? '')}
          inputWidth="120px"
        />
        {canEdit && (
          <Button small onClick={() => void saveSchedule({ ...settings, intervalMinutes: Number(interval) })}>
            {i18n.t('Save schedule')}
          </Button>
        )}
      </div>

      <h3>{i18n.t('Run log')}</h3>
      <ErrorNotice error={runs.error} title={i18n.t('The run log could not be loaded')} />
      {runs.data && runs.data.length === 0 && <p className={styles.muted}>{i18n.t('No sync has run yet.')}</p>}
      {runs.data && runs.data.length > 0 && (
        <DataTable dataTest="dhis2-run-log">
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Started')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('By')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Kind')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Result')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Org units')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Users')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('User groups')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {runs.data.map((run) => (
              <RunRow key={run.id} run={run} open={open === run.id} onToggle={() => setOpen(open === run.id ? null : run.id)} />
            ))}
          </DataTableBody>
        </DataTable>
      )}
    </Section>
  );
}

function RunProgress({ run }: { run: SyncRun }) {
  if (run.state === 'running') {
    const percent = run.total > 0 ? Math.min(100, Math.round((run.done / run.total) * 100)) : undefined;
    return (
      <div className={styles.result} data-test="dhis2-sync-progress">
        <p>{i18n.t('Syncing: {{phase}}, {{done}} of {{total}}', { phase: run.phase, done: run.done, total: run.total || '?' })}</p>
        <LinearLoader amount={percent ?? 0} />
      </div>
    );
  }
  return (
    <p className={run.state === 'failed' ? styles.error : undefined} data-test="dhis2-sync-result">
      {run.state === 'failed'
        ? i18n.t('The sync failed: {{error}}', { error: run.error ?? '' })
        : i18n.t('The sync finished: {{units}} units and {{users}} users added, changed or removed.', {
            units: total(run.units),
            users: total(run.users),
          })}
    </p>
  );
}

function total(counts: SyncCounts): number {
  return counts.added + counts.changed + counts.removed;
}

function countText(counts: SyncCounts): string {
  return i18n.t('+{{added}} ~{{changed}} −{{removed}}', { ...counts });
}

function RunRow({ run, open, onToggle }: { run: SyncRun; open: boolean; onToggle: () => void }) {
  let result = i18n.t('failed');
  if (run.state === 'running') result = i18n.t('running');
  if (run.state === 'succeeded') result = i18n.t('succeeded');
  return (
    <>
      <DataTableRow dataTest="dhis2-run-row" expandableContent={open ? <RunDetails run={run} /> : undefined} expanded={open} onExpandToggle={onToggle}>
        <DataTableCell>{formatTime(run.startedAt)}</DataTableCell>
        <DataTableCell>{run.actor}</DataTableCell>
        <DataTableCell>{run.mode === 'full' ? i18n.t('full') : i18n.t('incremental')}</DataTableCell>
        <DataTableCell className={run.state === 'failed' ? styles.error : undefined}>{result}</DataTableCell>
        <DataTableCell className={styles.counts}>{countText(run.units)}</DataTableCell>
        <DataTableCell className={styles.counts}>{countText(run.users)}</DataTableCell>
        <DataTableCell className={styles.counts}>{countText(run.groups)}</DataTableCell>
      </DataTableRow>
    </>
  );
}

function RunDetails({ run }: { run: SyncRun }) {
  return (
    <div data-test="dhis2-run-details">
      {run.dhis2Version && <p>{i18n.t('DHIS2 {{version}}', { version: run.dhis2Version })}</p>}
      {run.error && <p className={styles.error}>{run.error}</p>}
      {run.warnings.map((warning) => (
        <p key={warning}>{warning}</p>
      ))}
      {run.changes.length === 0 && !run.error && <p className={styles.muted}>{i18n.t('Nothing changed.')}</p>}
      {run.changes.length > 0 && (
        <ul className={styles.changes}>
          {run.changes.map((change) => (
            <li key={`${change.kind}-${change.change}-${change.id}`}>
              {change.kind} {change.change}: {change.name}
              {change.detail ? ` (${change.detail})` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
