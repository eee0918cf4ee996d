import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  NoticeBox,
  SingleSelectField,
  SingleSelectOption,
  Switch,
} from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { fetchApkDistribution, saveApkSettings, writeApkDistribution, type ApkChange, type ApkWriteResult, type GroupLink } from '../../api/dhis2.js';
import { fetchRollouts } from '../../api/rollouts.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import styles from './Dhis2.module.css';
import { Dhis2Tabs } from './Dhis2Tabs.js';

const NO_ROLLOUT = '';

/**
 * Shows the version DHIS2's APK_DISTRIBUTION offers each user group and,
 * when the manager turns it on, writes Outpost's entries that follow rollouts.
 */
export function ApkDistributionPage() {
  const user = useUser();
  const canEdit = hasRole(user, 'admin') && !user.orgUnits;
  const view = useApiData(fetchApkDistribution, []);
  const rollouts = useApiData(fetchRollouts, []);
  const [links, setLinks] = useState<GroupLink[]>([]);
  const [writeEnabled, setWriteEnabled] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<ApkWriteResult | null>(null);

  useEffect(() => {
    if (!view.data) return;
    setLinks(view.data.settings.links);
    setWriteEnabled(view.data.settings.writeEnabled);
  }, [view.data]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      view.reload();
    } catch (failure) {
      setError(failure);
    }
  };
  const saveSettings = (next: { writeEnabled: boolean; links: GroupLink[] }) => act(() => saveApkSettings(next));
  const write = (confirm: boolean) =>
    act(async () => {
      setConfirming(false);
      setResult(await writeApkDistribution(view.data!.versionsHash, confirm));
    });

  const data = view.data;
  const guarded = data?.plan.changes.filter((change) => change.needsConfirmation) ?? [];
  const linkOf = (groupId: string) => links.find((link) => link.userGroupId === groupId)?.rolloutId ?? NO_ROLLOUT;
  const setLink = (groupId: string, rolloutId: string) =>
    setLinks((current) => [...current.filter((link) => link.userGroupId !== groupId), ...(rolloutId === NO_ROLLOUT ? [] : [{ userGroupId: groupId, rolloutId }])]);

  return (
    <>
      <PageHeader title={i18n.t('DHIS2')} />
      <Dhis2Tabs current="/dhis2/apk" />
      <ErrorNotice error={view.error} title={i18n.t('APK_DISTRIBUTION could not be read from DHIS2')} />
      {!data && view.loading && <Loading />}
      {data && (
        <>
          <Section title={i18n.t('What DHIS2 Capture offers each user group')} dataTest="apk-groups">
            <p className={styles.help}>
              {i18n.t(
                'DHIS2 Capture offers the highest version among the entries for the user\'s groups and the default entries, or latestVersion when none applies. Link a group to a rollout and Outpost writes an entry for the group once the rollout reaches all of the group\'s phones.',
              )}
            </p>
            {data.problems.map((problem) => (
              <NoticeBox key={problem} warning>
                {problem}
              </NoticeBox>
            ))}
            <DataTable>
              <DataTableHead>
                <DataTableRow>
                  <DataTableColumnHeader>{i18n.t('User group')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Members')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Offered now')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Follows rollout')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Rollout status')}</DataTableColumnHeader>
                </DataTableRow>
              </DataTableHead>
              <DataTableBody>
                {data.groups.map((group) => (
                  <DataTableRow key={group.id} dataTest="apk-group-row">
                    <DataTableCell>{group.name}</DataTableCell>
                    <DataTableCell>{group.members}</DataTableCell>
                    <DataTableCell>{group.offered.version ? `${group.offered.version} (${group.offered.from})` : '–'}</DataTableCell>
                    <DataTableCell>
                      <SingleSelectField
                        selected={linkOf(group.id)}
                        disabled={!canEdit}
                        onChange={({ selected }) => setLink(group.id, selected)}
                        inputWidth="220px"
                        dense
                      >
                        <SingleSelectOption value={NO_ROLLOUT} label={i18n.t('None')} />
                        {(rollouts.data ?? []).map((rollout) => (
                          <SingleSelectOption
                            key={rollout.id}
                            value={rollout.id}
                            label={`${rollout.packageName} ${rollout.targetVersionName ?? rollout.targetVersionCode} (${rollout.state})`}
                          />
                        ))}
                      </SingleSelectField>
                    </DataTableCell>
                    <DataTableCell>{group.target?.status ?? '–'}</DataTableCell>
                  </DataTableRow>
                ))}
              </DataTableBody>
            </DataTable>
            {canEdit && (
              <div className={styles.row}>
                <Switch
                  label={i18n.t('Let Outpost write APK_DISTRIBUTION (off by default)')}
                  checked={writeEnabled}
                  onChange={({ checked }) => setWriteEnabled(checked)}
                  dataTest="apk-write-enabled"
                />
                <Button primary onClick={() => void saveSettings({ writeEnabled, links })} dataTest="apk-save-settings">
                  {i18n.t('Save links and setting')}
                </Button>
              </div>
            )}
          </Section>

          <Section title={i18n.t('Changes a write would make')} dataTest="apk-plan">
            {data.plan.warnings.map((warning) => (
              <NoticeBox key={warning} warning>
                {warning}
              </NoticeBox>
            ))}
            {data.plan.changes.length === 0 ? <p className={styles.muted}>{i18n.t('APK_DISTRIBUTION already matches the rollouts.')}</p> : <ChangeTable changes={data.plan.changes} />}
            {canEdit && data.settings.writeEnabled && data.plan.changes.length > 0 && (
              <div className={styles.row}>
                <Button primary onClick={() => (guarded.length > 0 ? setConfirming(true) : void write(false))} dataTest="apk-write">
                  {i18n.t('Write to DHIS2')}
                </Button>
              </div>
            )}
            <ErrorNotice error={error} title={i18n.t('APK_DISTRIBUTION could not be written')} />
            {result && (
              <p data-test="apk-write-result">
                {result.written
                  ? i18n.t('Written: {{count}} changes.', { count: result.applied.length })
                  : i18n.t('Nothing was written.')}{' '}
                {result.awaitingConfirmation.length > 0 && i18n.t('{{count}} changes wait for confirmation.', { count: result.awaitingConfirmation.length })}
              </p>
            )}
          </Section>

          <Section title={i18n.t('Entries in DHIS2')} dataTest="apk-entries">
            <p className={styles.muted}>
              {i18n.t('latestVersion: {{version}}', { version: data.latestVersion?.version ?? '–' })}
            </p>
            <DataTable>
              <DataTableHead>
                <DataTableRow>
                  <DataTableColumnHeader>{i18n.t('Version')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('For')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Written by')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Download URL')}</DataTableColumnHeader>
                </DataTableRow>
              </DataTableHead>
              <DataTableBody>
                {data.entries.map((entry, index) => (
                  <DataTableRow key={index}>
                    <DataTableCell>{String(entry.version ?? '–')}</DataTableCell>
                    <DataTableCell>{entry.isDefault === true ? i18n.t('everyone (default)') : Array.isArray(entry.userGroups) ? entry.userGroups.join(', ') : '–'}</DataTableCell>
                    <DataTableCell>{entry.owner === 'outpost' ? i18n.t('Outpost') : i18n.t('someone else')}</DataTableCell>
                    <DataTableCell className={styles.code}>{String(entry.downloadURL ?? '')}</DataTableCell>
                  </DataTableRow>
                ))}
              </DataTableBody>
            </DataTable>
          </Section>
        </>
      )}
      {confirming && (
        <ConfirmModal
          title={i18n.t('Change entries Outpost did not write?')}
          confirmLabel={i18n.t('Write, including these changes')}
          onConfirm={() => void write(true)}
          onCancel={() => setConfirming(false)}
        >
          <p>{i18n.t('These changes touch entries that someone else wrote or edited in DHIS2:')}</p>
          <ChangeTable changes={guarded} />
          <Button secondary onClick={() => void write(false)}>
            {i18n.t('Write only Outpost\'s own entries')}
          </Button>
        </ConfirmModal>
      )}
    </>
  );
}

function ChangeTable({ changes }: { changes: ApkChange[] }) {
  const version = (entry: ApkChange['before']) => (entry ? String(entry.version ?? '–') : '–');
  return (
    <DataTable dataTest="apk-changes">
      <DataTableHead>
        <DataTableRow>
          <DataTableColumnHeader>{i18n.t('Change')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('User group')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Before')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('After')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Why')}</DataTableColumnHeader>
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {changes.map((change, index) => (
          <DataTableRow key={index}>
            <DataTableCell>
              {change.action}
              {change.needsConfirmation ? ` (${i18n.t('needs confirmation')})` : ''}
            </DataTableCell>
            <DataTableCell>{change.groupId}</DataTableCell>
            <DataTableCell>{version(change.before)}</DataTableCell>
            <DataTableCell>{version(change.after)}</DataTableCell>
            <DataTableCell>{change.reason}</DataTableCell>
          </DataTableRow>
        ))}
      </DataTableBody>
    </DataTable>
  );
}
