import i18n from '@dhis2/d2-i18n';
import { Button, ButtonStrip, InputField, Modal, ModalActions, ModalContent, ModalTitle, NoticeBox } from '@dhis2/ui';
import { useState } from 'react';

import { ErrorNotice } from '../../components/ErrorNotice.js';

interface Props {
  title: string;
  /** Consequence of the action, in one or two sentences. */
  warning: string;
  /** Text the operator must type, e.g. the device id or the device count; null when only the password is asked. */
  typedValue: string | null;
  typedLabel: string;
  confirmLabel: string;
  /** Sends the command with the password and the typed text; a rejection is shown in the dialog. */
  onConfirm: (password: string, typed: string) => Promise<void>;
  onCancel: () => void;
}

/**
 * Dialog for a wipe or a screen-lock password reset: the operator re-enters
 * their password and, for a wipe, types the device id or the number of
 * devices. The confirm button stays disabled until the typed text matches.
 */
export function DangerConfirmModal({ title, warning, typedValue, typedLabel, confirmLabel, onConfirm, onCancel }: Props) {
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ready = password !== '' && (typedValue === null || typed.trim() === typedValue);

  const confirm = async () => {
    setSending(true);
    setError(null);
    try {
      await onConfirm(password, typed.trim());
    } catch (failure) {
      setError(failure);
      setSending(false);
    }
  };

  return (
    <Modal small onClose={onCancel} dataTest="danger-modal">
      <ModalTitle>{title}</ModalTitle>
      <ModalContent>
        <NoticeBox warning>{warning}</NoticeBox>
        {typedValue !== null && (
          <InputField
            label={typedLabel}
            helpText={i18n.t('Type {{value}} to confirm.', { value: typedValue })}
            value={typed}
            onChange={({ value }) => setTyped(value ?? '')}
            dataTest="danger-typed"
          />
        )}
        <InputField
          label={i18n.t('Your password')}
          type="password"
          value={password}
          onChange={({ value }) => setPassword(value ?? '')}
          dataTest="danger-password"
        />
        <ErrorNotice error={error} title={i18n.t('Not confirmed')} />
      </ModalContent>
      <ModalActions>
        <ButtonStrip end>
          <Button secondary onClick={onCancel}>
            {i18n.t('Cancel')}
          </Button>
          <Button destructive disabled={!ready} loading={sending} onClick={confirm} dataTest="danger-confirm">
            {confirmLabel}
          </Button>
        </ButtonStrip>
      </ModalActions>
    </Modal>
  );
}
