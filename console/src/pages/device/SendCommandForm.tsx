import i18n from '@dhis2/d2-i18n';
import { Button, InputField, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState, type FormEvent } from 'react';

import { sendCommand } from '../../api/devices.js';
import type { CommandType } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import styles from './SendCommandForm.module.css';

// Commands expire after three days unless the operator enters another
// time, so a phone back from a long time offline is not rebooted or locked
// without warning.
const DEFAULT_EXPIRY_HOURS = 72;

function commandOptions(): { value: CommandType; label: string }[] {
  return [
    { value: 'reboot', label: i18n.t('Reboot') },
    { value: 'lock', label: i18n.t('Lock the screen with a message') },
    { value: 'unlock', label: i18n.t('Unlock') },
  ];
}

/** Queues a reboot, lock or unlock for the device. */
export function SendCommandForm({ deviceId, onSent }: { deviceId: string; onSent: () => void }) {
  const [type, setType] = useState<CommandType>('reboot');
  const [message, setMessage] = useState('');
  const [expiresInHours, setExpiresInHours] = useState(String(DEFAULT_EXPIRY_HOURS));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    try {
      await sendCommand(deviceId, {
        type,
        message: type === 'lock' && message.trim() !== '' ? message.trim() : undefined,
        expiresInHours: expiresInHours === '' ? undefined : Number(expiresInHours),
      });
      setMessage('');
      onSent();
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(false);
    }
  };

  return (
    <form className={styles.form} onSubmit={submit}>
      <div className={styles.row}>
        <SingleSelectField
          label={i18n.t('Command')}
          inputWidth="260px"
          selected={type}
          onChange={({ selected }) => setType(selected as CommandType)}
        >
          {commandOptions().map((option) => (
            <SingleSelectOption key={option.value} value={option.value} label={option.label} />
          ))}
        </SingleSelectField>
        {type === 'lock' && (
          <InputField
            label={i18n.t('Message on the lock screen')}
            inputWidth="300px"
            value={message}
            onChange={({ value }) => setMessage(value ?? '')}
          />
        )}
        <InputField
          label={i18n.t('Expires after (hours)')}
          type="number"
          min="1"
          inputWidth="120px"
          value={expiresInHours}
          onChange={({ value }) => setExpiresInHours(value ?? '')}
        />
        <Button type="submit" primary loading={sending} dataTest="command-send">
          {i18n.t('Send command')}
        </Button>
      </div>
      <ErrorNotice error={error} title={i18n.t('The command was not sent')} />
    </form>
  );
}
