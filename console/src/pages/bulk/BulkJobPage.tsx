import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  LinearLoader,
} from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { cancelBulkJob, fetchBulkJob, fetchBulkJobDevices } from '../../api/bulk.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { routeHref } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { commandTypeLabel } from '../device/command-labels.js';
import { CommandState } from '../device/DeviceCommands.js';
import { BulkJobState, progressPercent } from './bulk-labels.js';

// Progress is read again this often while the job runs; a job handles
// about 500 devices a second, so the bar moves visibly between reads.
const REFRESH_MS = 1_000;

/** Shows one bulk action: its progress, the delivery states of its commands, the result per device, and a cancel button. */
export function BulkJobPage({ id }: { id: string }) {
  const user = useUser();
  const job = useApiData(() => fetchBulkJob(id), [id]);
  const [after, setAfter] = useState(0);
  const devices = useApiData(() => fetchBulkJobDevices(id, after), [id, after]);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = job.data?.state === 'queued' || job.data?.state === 'running';

  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => {
      job.reload();
      devices.reload();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [running, job.reload, devices.reload]);

  const cancel = async () => {
    setCancelling(false);
    try {
      await cancelBulkJob(id);
      job.reload();
      devices.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const data = job.data;
  return (
    <>
      <PageHeader title={data ? i18n.t('Bulk action: {{type}}', { type: commandTypeLabel(data.type) }) : i18n.t('Bulk action')}>
        <a href={routeHref('/bulk')}>{i18n.t('All bulk actions')}</a>
      </PageHeader>
      <ErrorNotice error={job.error ?? error} title={i18n.t('The bulk action could not be loaded or changed')} />
      {data && (
        <Section title={i18n.t('Progress')} dataTest="bulk-progress">
          <p>
            <BulkJobState state={data.state} />{' '}
            {i18n.t('{{handled}} of {{total}} devices handled', {
              handled: data.total - data.devices.pending,
              total: data.total,
            })}
          </p>
          <LinearLoader amount={progressPercent(data)} width="400px" dataTest="bulk-progress-bar" />
          <p data-test="bulk-counts">
            {i18n.t('Queued: {{done}}, skipped: {{skipped}}, failed: {{failed}}, left out: {{cancelled}}, waiting: {{pending}}', data.devices)}
          </p>
          <p data-test="bulk-delivery">
            {i18n.t('Commands on the phones: queued {{queued}}, sent {{sent}}, confirmed {{confirmed}}, expired {{expired}}, cancelled {{cancelled}}', {
              queued: data.commands.queued ?? 0,
              sent: data.commands.sent ?? 0,
              confirmed: data.commands.confirmed ?? 0,
              expired: data.commands.expired ?? 0,
              cancelled: data.commands.cancelled ?? 0,
            })}
          </p>
          <p>
            {i18n.t('Started by {{user}} on {{time}}', { user: data.createdBy, time: formatTime(data.createdAt) })}
            {data.finishedAt !== null && ` · ${i18n.t('Finished on {{time}}', { time: formatTime(data.finishedAt) })}`}
          </p>
          {running && hasRole(user, 'operator') && (
            <Button destructive onClick={() => setCancelling(true)} dataTest="bulk-cancel">
              {i18n.t('Cancel the bulk action')}
            </Button>
          )}
        </Section>
      )}
      <Section title={i18n.t('Devices')} dataTest="bulk-devices">
        <ErrorNotice error={devices.error} title={i18n.t('The devices could not be loaded')} />
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>#</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Device ID')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Result')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Command state')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {(devices.data?.items ?? []).map((device) => (
              <DataTableRow key={device.id}>
                <DataTableCell>{device.position}</DataTableCell>
                <DataTableCell>
                  {device.deviceId ? <a href={routeHref(`/devices/${device.id}`)}>{device.deviceId}</a> : device.id}
                </DataTableCell>
                <DataTableCell>{device.detail ? `${device.state}: ${device.detail}` : device.state}</DataTableCell>
                <DataTableCell>{device.commandState ? <CommandState state={device.commandState} /> : '–'}</DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
        <Button small secondary disabled={after === 0} onClick={() => setAfter(0)}>
          {i18n.t('First')}
        </Button>{' '}
        <Button small secondary disabled={!devices.data?.nextAfter} onClick={() => setAfter(devices.data?.nextAfter ?? 0)}>
          {i18n.t('Next')}
        </Button>
      </Section>
      {cancelling && (
        <ConfirmModal title={i18n.t('Cancel the bulk action?')} confirmLabel={i18n.t('Cancel the bulk action')} onConfirm={cancel} onCancel={() => setCancelling(false)}>
          {i18n.t('Devices not yet reached are left out, and commands that have not reached their phone are cancelled.')}
        </ConfirmModal>
      )}
    </>
  );
}
