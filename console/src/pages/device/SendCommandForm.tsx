import i18n from '@dhis2/d2-i18n';
import { Button, InputField, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState, type FormEvent } from 'react';

import { sendCommand, type CommandInput, type CommandParameters, type CommandType } from '../../api/devices.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { CommandFields, parametersFor } from './CommandFields.js';
import { commandTypeLabel, DEVICE_COMMAND_TYPES } from './command-labels.js';
import { DangerConfirmModal } from './DangerConfirmModal.js';
import styles from './SendCommandForm.module.css';

// Commands expire after three days unless the operator enters another
// time, so a phone back from a long time offline is not rebooted or locked
// without warning.
const DEFAULT_EXPIRY_HOURS = 72;

interface Props {
  /** Record id of the device. */
  devicePk: string;
  /** The agent's device id, which the operator types to confirm a wipe. */
  deviceId: string;
  onSent: () => void;
}

/** Queues a command for the device; wipe and password reset ask for the operator's password first. */
export function SendCommandForm({ devicePk, deviceId, onSent }: Props) {
  const [type, setType] = useState<CommandType>('reboot');
  const [values, setValues] = useState<CommandParameters>({});
  const [expiresInHours, setExpiresInHours] = useState(String(DEFAULT_EXPIRY_HOURS));
  const [sending, setSending] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const input = (): CommandInput => ({
    type,
    ...parametersFor(type, values),
    expiresInHours: expiresInHours === '' ? undefined : Number(expiresInHours),
  });

  const sent = () => {
    setValues({});
    setConfirming(false);
    onSent();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (type === 'wipe' || type === 'passwordReset') {
      setConfirming(true);
      return;
    }
    setSending(true);
    setError(null);
    try {
      await sendCommand(devicePk, input());
      sent();
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(false);
    }
  };

  const confirmDanger = async (password: string) => {
    await sendCommand(devicePk, { ...input(), confirmation: { password, ...(type === 'wipe' ? { deviceId } : {}) } });
    sent();
  };

  return (
    <form className={styles.form} onSubmit={submit}>
      <div className={styles.row}>
        <SingleSelectField
          label={i18n.t('Command')}
          inputWidth="260px"
          selected={type}
          onChange={({ selected }) => setType(selected as CommandType)}
          dataTest="command-type"
        >
          {DEVICE_COMMAND_TYPES.map((option) => (
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
        <Button type="submit" primary={type !== 'wipe'} destructive={type === 'wipe'} loading={sending} dataTest="command-send">
          {i18n.t('Send command')}
        </Button>
      </div>
      <ErrorNotice error={error} title={i18n.t('The command was not sent')} />
      {confirming && (
        <DangerConfirmModal
          title={type === 'wipe' ? i18n.t('Wipe device {{id}}', { id: deviceId }) : i18n.t('Reset the screen-lock password')}
          warning={
            type === 'wipe'
              ? i18n.t('The phone erases all its data, DHIS2 data not yet sent included, and must be enrolled again.')
              : i18n.t('The phone user must use the new password at the next unlock.')
          }
          typedValue={type === 'wipe' ? deviceId : null}
          typedLabel={i18n.t('Device ID')}
          confirmLabel={type === 'wipe' ? i18n.t('Wipe the device') : i18n.t('Reset the password')}
          onConfirm={(password) => confirmDanger(password)}
          onCancel={() => setConfirming(false)}
        />
      )}
    </form>
  );
}
