import i18n from '@dhis2/d2-i18n';
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  Tag,
} from '@dhis2/ui';

import type { Command } from '../../api/types.js';
import { formatTime, orDash } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { SendCommandForm } from './SendCommandForm.js';

function commandTypeLabel(type: string): string {
  switch (type) {
    case 'reboot':
      return i18n.t('Reboot');
    case 'lock':
      return i18n.t('Lock');
    case 'unlock':
      return i18n.t('Unlock');
    default:
      return type;
  }
}

function CommandState({ state }: { state: string }) {
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

interface Props {
  deviceId: string;
  commands: Command[];
  onCommandSent: () => void;
}

/** Commands sent to the device and, for operators, a form to send one. */
export function DeviceCommands({ deviceId, commands, onCommandSent }: Props) {
  const user = useUser();
  return (
    <Section title={i18n.t('Commands')} dataTest="device-commands">
      {hasRole(user, 'operator') && <SendCommandForm deviceId={deviceId} onSent={onCommandSent} />}
      {commands.length === 0 ? (
        <p>{i18n.t('No command has been sent to this device.')}</p>
      ) : (
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Command')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('State')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Sent by')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Created')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Last change')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Expires')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {commands.map((command) => (
              <DataTableRow key={command.id}>
                <DataTableCell>{commandTypeLabel(command.type)}</DataTableCell>
                <DataTableCell>
                  <CommandState state={command.state} />
                </DataTableCell>
                <DataTableCell>{orDash(command.createdBy)}</DataTableCell>
                <DataTableCell>{formatTime(command.createdAt)}</DataTableCell>
                <DataTableCell>{formatTime(command.updatedAt)}</DataTableCell>
                <DataTableCell>{formatTime(command.expiresAt)}</DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
    </Section>
  );
}
