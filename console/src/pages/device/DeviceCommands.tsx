import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  Tag,
} from '@dhis2/ui';
import { useState } from 'react';

import { cancelCommand, fetchCommands, type DeviceCommand } from '../../api/devices.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime, orDash } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { routeHref } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { commandTypeLabel } from './command-labels.js';
import { SendCommandForm } from './SendCommandForm.js';

// Push messages reach the phone at once and cannot be called back once sent.
const PUSH_TYPES = new Set(['uninstallApp', 'clearAppData', 'grantPermissions', 'message', 'sync']);

export function CommandState({ state }: { state: string }) {
  switch (state) {
    case 'queued':
      return <Tag neutral>{i18n.t('Queued')}</Tag>;
    case 'sent':
      return <Tag>{i18n.t('Sent')}</Tag>;
    case 'confirmed':
      return <Tag positive>{i18n.t('Confirmed')}</Tag>;
    case 'failed':
      return <Tag negative>{i18n.t('Failed')}</Tag>;
    case 'expired':
      return <Tag neutral>{i18n.t('Expired')}</Tag>;
    case 'cancelled':
      return <Tag neutral>{i18n.t('Cancelled')}</Tag>;
    default:
      return <Tag>{state}</Tag>;
  }
}

function isCancellable(command: DeviceCommand): boolean {
  return command.state === 'queued' || (command.state === 'sent' && !PUSH_TYPES.has(command.type));
}

function parameterText(command: DeviceCommand): string {
  const { message, packageName, packageNames } = command.parameters;
  return [message, packageName, packageNames?.join(', ')].filter((part) => part !== undefined && part !== '').join(' · ');
}

interface Props {
  devicePk: string;
  deviceId: string;
  /** Any value that changes when the device page reloads, so the list reloads with it. */
  refreshToken?: unknown;
}

/** Commands sent to the device, newest first, and for operators a form to send one and cancel open ones. */
export function DeviceCommands({ devicePk, deviceId, refreshToken }: Props) {
  const user = useUser();
  const operator = hasRole(user, 'operator');
  const [cursor, setCursor] = useState<string | null>(null);
  const commands = useApiData(() => fetchCommands(devicePk, cursor), [devicePk, cursor, refreshToken]);
  const [cancelError, setCancelError] = useState<unknown>(null);

  const cancel = async (command: DeviceCommand) => {
    setCancelError(null);
    try {
      await cancelCommand(devicePk, command.id);
      commands.reload();
    } catch (failure) {
      setCancelError(failure);
    }
  };

  const items = commands.data?.items ?? [];
  return (
    <Section title={i18n.t('Commands')} dataTest="device-commands">
      {operator && <SendCommandForm devicePk={devicePk} deviceId={deviceId} onSent={commands.reload} />}
      <ErrorNotice error={commands.error ?? cancelError} title={i18n.t('The commands could not be loaded or changed')} />
      {items.length === 0 && !commands.loading ? (
        <p>{i18n.t('No command has been sent to this device.')}</p>
      ) : (
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Command')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Details')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('State')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Sent by')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Created')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Last change')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Expires')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Enrolment')}</DataTableColumnHeader>
              <DataTableColumnHeader />
            </DataTableRow>
          </DataTableHead>
          <DataTableBody loading={commands.loading}>
            {items.map((command) => (
              <DataTableRow key={command.id} dataTest="command-row">
                <DataTableCell>{commandTypeLabel(command.type)}</DataTableCell>
                <DataTableCell>
                  {parameterText(command)}
                  {command.bulkJobId && (
                    <>
                      {' '}
                      <a href={routeHref(`/bulk/${command.bulkJobId}`)}>{i18n.t('bulk action')}</a>
                    </>
                  )}
                </DataTableCell>
                <DataTableCell>
                  <CommandState state={command.state} />
                </DataTableCell>
                <DataTableCell>{orDash(command.createdBy)}</DataTableCell>
                <DataTableCell>{formatTime(command.createdAt)}</DataTableCell>
                <DataTableCell>{formatTime(command.updatedAt)}</DataTableCell>
                <DataTableCell>{formatTime(command.expiresAt)}</DataTableCell>
                <DataTableCell>{command.generation}</DataTableCell>
                <DataTableCell>
                  {operator && isCancellable(command) && (
                    <Button small secondary onClick={() => void cancel(command)} dataTest="command-cancel">
                      {i18n.t('Cancel')}
                    </Button>
                  )}
                </DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
      {(cursor !== null || commands.data?.nextCursor) && (
        <div>
          <Button small secondary disabled={cursor === null} onClick={() => setCursor(null)}>
            {i18n.t('Newest')}
          </Button>{' '}
          <Button small secondary disabled={!commands.data?.nextCursor} onClick={() => setCursor(commands.data?.nextCursor ?? null)}>
            {i18n.t('Older')}
          </Button>
        </div>
      )}
    </Section>
  );
}
