import i18n from '@dhis2/d2-i18n';
import {
  Button,
  ButtonStrip,
  InputField,
  Modal,
  ModalActions,
  ModalContent,
  ModalTitle,
  SingleSelectField,
  SingleSelectOption,
} from '@dhis2/ui';
import { useState } from 'react';

import { previewSelection, startBulkJob, type BulkSelection } from '../../api/bulk.js';
import type { CommandParameters, CommandType } from '../../api/devices.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { navigate } from '../../router.js';
import { CommandFields, parametersFor } from '../device/CommandFields.js';
import { BULK_COMMAND_TYPES, commandTypeLabel } from '../device/command-labels.js';
import { DangerConfirmModal } from '../device/DangerConfirmModal.js';

interface Props {
  selection: BulkSelection;
  /** Text naming the selection, e.g. "12 selected devices" or "every device matching the filters". */
  description: string;
  onClose: () => void;
}

/**
 * Starts a bulk action on the selection: the operator picks the command,
 * checks how many devices it reaches, and confirms. A bulk wipe requires the
 * password and the typed device count. Opens the job's progress page.
 */
export function BulkActionModal({ selection, description, onClose }: Props) {
  const [type, setType] = useState<CommandType>('lock');
  const [values, setValues] = useState<CommandParameters>({});
  const [expiresInHours, setExpiresInHours] = useState('72');
  const [count, setCount] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const input = () => ({
    type,
    selection,
    ...parametersFor(type, values),
    expiresInHours: expiresInHours === '' ? undefined : Number(expiresInHours),
  });

  const preview = async () => {
    setBusy(true);
    setError(null);
    try {
      setCount((await previewSelection(selection)).devices);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const start = async (confirmation?: { password: string; deviceCount: number }) => {
    const job = await startBulkJob({ ...input(), confirmation });
    navigate(`/bulk/${job.id}`);
  };

  const startWithoutConfirmation = async () => {
    setBusy(true);
    setError(null);
    try {
      await start();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  if (count !== null && type === 'wipe') {
    return (
      <DangerConfirmModal
        title={i18n.t('Wipe {{count}} devices', { count })}
        warning={i18n.t('Every selected phone erases all its data, DHIS2 data not yet sent included, and must be enrolled again.')}
        typedValue={String(count)}
        typedLabel={i18n.t('Number of devices')}
        confirmLabel={i18n.t('Wipe {{count}} devices', { count })}
        onConfirm={(password) => start({ password, deviceCount: count })}
        onCancel={onClose}
      />
    );
  }

  return (
    <Modal onClose={onClose} dataTest="bulk-modal">
      <ModalTitle>{i18n.t('Bulk action on {{description}}', { description })}</ModalTitle>
      <ModalContent>
        <SingleSelectField
          label={i18n.t('Command')}
          selected={type}
          onChange={({ selected }) => {
            setType(selected as CommandType);
            setCount(null);
          }}
          dataTest="bulk-type"
        >
          {BULK_COMMAND_TYPES.map((option) => (
            <SingleSelectOption key={option} value={option} label={commandTypeLabel(option)} />
          ))}
        </SingleSelectField>
        <CommandFields type={type} values={values} onChange={setValues} />
        <InputField
          label={i18n.t('Expires after (hours)')}
          type="number"
          min="1"
          inputWidth="120px"
          value={expiresInHours}
          onChange={({ value }) => setExpiresInHours(value ?? '')}
        />
        {count !== null && (
          <p data-test="bulk-count">{i18n.t('The command goes to {{count}} devices.', { count })}</p>
        )}
        <ErrorNotice error={error} title={i18n.t('The bulk action was not started')} />
      </ModalContent>
      <ModalActions>
        <ButtonStrip end>
          <Button secondary onClick={onClose}>
            {i18n.t('Cancel')}
          </Button>
          {count === null ? (
            <Button primary loading={busy} onClick={() => void preview()} dataTest="bulk-next">
              {i18n.t('Next')}
            </Button>
          ) : (
            <Button primary loading={busy} onClick={() => void startWithoutConfirmation()} dataTest="bulk-start">
              {i18n.t('Send to {{count}} devices', { count })}
            </Button>
          )}
        </ButtonStrip>
      </ModalActions>
    </Modal>
  );
}
