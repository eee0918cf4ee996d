import i18n from '@dhis2/d2-i18n';
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  NoticeBox,
} from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { fetchAuditEvents } from '../../api/audit.js';
import { fetchRollout, fetchRolloutProgress, type RolloutDevice } from '../../api/rollouts.js';
import { CursorPager } from '../../components/CursorPager.js';
import { useCursorStack } from '../../components/cursor-stack.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatBytes, formatRelative, formatTime } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { routeHref } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { RolloutActions } from './RolloutActions.js';
import styles from './Rollouts.module.css';
import { RolloutStateTag } from './RolloutStateTag.js';
import { StageChart, StageCountsTable } from './StageChart.js';

/** The progress view reloads this often while it is open. */
export const REFRESH_INTERVAL_MS = 10_000;
// The audit API has no filter, so the page searches this many latest events.
const AUDIT_SCAN_LIMIT = 200;

function deviceStatusLabel(status: RolloutDevice['status']): string {
  switch (status) {
    case 'pending':
      return i18n.t('Pending');
    case 'downloading':
      return i18n.t('Downloading');
    case 'installed':
      return i18n.t('Installed');
    case 'failed':
      return i18n.t('Failed');
    case 'incompatible':
      return i18n.t('Incompatible');
    case 'not_selected':
      return i18n.t('Not selected yet');
  }
}

/** Progress of one rollout: stage chart, data cost, devices, actions and audit events. It reloads every 10 s. */
export function RolloutDetailPage({ id }: { id: string }) {
  const user = useUser();
  const [pageSize, setPageSize] = useState(25);
  const pages = useCursorStack();
  const rollout = useApiData(() => fetchRollout(id), [id]);
  const progress = useApiData(() => fetchRolloutProgress(id, pageSize, pages.cursor), [id, pageSize, pages.cursor]);
  const audit = useApiData(() => fetchAuditEvents(AUDIT_SCAN_LIMIT, null), []);

  const reloadAll = () => {
    rollout.reload();
    progress.reload();
    audit.reload();
  };

  useEffect(() => {
    const timer = window.setInterval(reloadAll, REFRESH_INTERVAL_MS);
    return () => window.clearInterval(timer);
    // The reload functions keep their identity across renders.
  }, [rollout.reload, progress.reload, audit.reload]);

  if (rollout.data === undefined) {
    return (
      <>
        <PageHeader title={i18n.t('Rollout')} />
        <ErrorNotice error={rollout.error} title={i18n.t('The rollout could not be loaded')} />
        {rollout.loading && <Loading />}
      </>
    );
  }

  const current = rollout.data;
  const data = progress.data;
  const events = audit.data?.items.filter((event) => event.targetType === 'rollout' && event.targetId === id) ?? [];

  return (
    <>
      <PageHeader
        title={i18n.t('Rollout of {{packageName}} to {{versionName}}', {
          packageName: current.packageName,
          versionName: current.targetVersionName ?? String(current.targetVersionCode),
        })}
      >
        <RolloutStateTag state={current.state} />
      </PageHeader>
      <p className={styles.muted}>
        <a href={routeHref('/rollouts')}>{i18n.t('All rollouts')}</a>
        {' · '}
        {i18n.t('versionCode {{versionCode}}, created {{time}} by {{user}}. Refreshes every 10 seconds.', {
          versionCode: current.targetVersionCode,
          time: formatTime(current.createdAt),
          user: current.createdBy ?? '–',
        })}
      </p>
      {current.signerChanged && (
        <NoticeBox warning title={i18n.t('The target has another signer')} dataTest="rollout-signer-warning">
          {i18n.t('Devices that run an earlier version signed by another key cannot update to this one.')}
        </NoticeBox>
      )}
      {current.state === 'halted' && current.haltReason && (
        <NoticeBox error title={i18n.t('Halted')} dataTest="rollout-halt-reason">
          {current.haltReason}
        </NoticeBox>
      )}

      {hasRole(user, 'admin') && (
        <Section title={i18n.t('Actions')}>
          <RolloutActions rollout={current} failedDevices={data?.totals.failed ?? 0} onChanged={reloadAll} />
        </Section>
      )}
      {!hasRole(user, 'admin') && (current.state === 'running' || current.state === 'paused') && (
        <p className={styles.rollbackNote} data-test="rollback-note">
          {i18n.t('Rollback is halt and pin: Android cannot downgrade an app without wiping its data.')}
        </p>
      )}

      <ErrorNotice error={progress.error} title={i18n.t('The progress could not be loaded')} />
      {data === undefined && progress.loading && <Loading />}
      {data && (
        <>
          <Section title={i18n.t('Progress by stage')} dataTest="rollout-progress">
            <p className={styles.muted} data-test="rollout-totals">
              {i18n.t(
                '{{inScope}} devices in scope: {{installed}} installed, {{downloading}} downloading, {{pending}} pending, {{failed}} failed, {{incompatible}} incompatible, {{notSelected}} not selected yet.',
                { inScope: data.devicesInScope, ...data.totals },
              )}
            </p>
            <StageChart stages={data.stages} />
            <StageCountsTable stages={data.stages} />
          </Section>

          <Section title={i18n.t('Data cost')} dataTest="rollout-data-cost">
            <dl className={styles.summary}>
              <dt>{i18n.t('APK size')}</dt>
              <dd>{formatBytes(data.dataCost.apkBytes)}</dd>
              <dt>{i18n.t('Estimated still to download')}</dt>
              <dd data-test="data-estimated">
                {i18n.t('{{bytes}} (devices left to download: {{count}})', {
                  bytes: formatBytes(data.dataCost.estimatedBytes),
                  count: data.dataCost.devicesToDownload,
                })}
              </dd>
              <dt>{i18n.t('Measured, sent so far')}</dt>
              <dd data-test="data-served">{formatBytes(data.dataCost.servedBytes)}</dd>
            </dl>
            <p className={styles.muted}>
              {i18n.t('The estimate is the APK size times the selected devices still pending or downloading; resumed downloads cost less.')}
            </p>
          </Section>

          <Section title={i18n.t('Devices')} dataTest="rollout-devices">
            <DataTable>
              <DataTableHead>
                <DataTableRow>
                  <DataTableColumnHeader>{i18n.t('Device')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Stage')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Status')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Offers')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Installed versionCode')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Downloaded')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Last offer')}</DataTableColumnHeader>
                </DataTableRow>
              </DataTableHead>
              <DataTableBody>
                {data.devices.items.map((device) => (
                  <DataTableRow key={device.id} dataTest="rollout-device-row">
                    <DataTableCell>
                      <a href={routeHref(`/devices/${encodeURIComponent(device.id)}`)}>{device.deviceId}</a>
                      {device.pilot && <span className={styles.muted}> {i18n.t('(pilot)')}</span>}
                    </DataTableCell>
                    <DataTableCell>{device.stage < 0 ? '–' : device.stage + 1}</DataTableCell>
                    <DataTableCell>
                      <span data-test="rollout-device-status">{deviceStatusLabel(device.status)}</span>
                    </DataTableCell>
                    <DataTableCell>{device.offers}</DataTableCell>
                    <DataTableCell>{device.installedVersionCode ?? '–'}</DataTableCell>
                    <DataTableCell>{formatBytes(device.bytesServed)}</DataTableCell>
                    <DataTableCell>{formatRelative(device.lastOfferedAt)}</DataTableCell>
                  </DataTableRow>
                ))}
              </DataTableBody>
            </DataTable>
            {data.devices.items.length === 0 && <p className={styles.muted}>{i18n.t('No device is in scope.')}</p>}
            <CursorPager
              pageIndex={pages.pageIndex}
              hasNext={data.devices.nextCursor !== null}
              pageSize={pageSize}
              onPrevious={pages.previous}
              onNext={() => data.devices.nextCursor && pages.next(data.devices.nextCursor)}
              onPageSizeChange={(size) => {
                setPageSize(size);
                pages.reset();
              }}
              disabled={progress.loading}
            />
          </Section>
        </>
      )}

      <Section title={i18n.t('Audit trail of this rollout')} dataTest="rollout-audit">
        <p className={styles.muted}>
          {i18n.t('Events about this rollout among the latest {{count}} events.', { count: AUDIT_SCAN_LIMIT })}{' '}
          <a href={routeHref('/audit')}>{i18n.t('Open the full audit trail')}</a>
        </p>
        <ErrorNotice error={audit.error} title={i18n.t('The audit trail could not be loaded')} />
        <ul data-test="rollout-audit-events">
          {events.map((event) => (
            <li key={event.id}>
              {i18n.t('{{time}}: {{action}} by {{actor}}', {
                time: formatTime(event.at),
                action: event.action,
                actor: event.actor,
              })}
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
