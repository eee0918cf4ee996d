import i18n from '@dhis2/d2-i18n';
import { Button, ButtonStrip, Modal, ModalActions, ModalContent, ModalTitle } from '@dhis2/ui';
import type { ReactNode } from 'react';

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Confirmation dialog shown before a destructive action. */
export function ConfirmModal({ title, children, confirmLabel, onConfirm, onCancel }: Props) {
  return (
    <Modal small onClose={onCancel} dataTest="confirm-modal">
      <ModalTitle>{title}</ModalTitle>
      <ModalContent>{children}</ModalContent>
      <ModalActions>
        <ButtonStrip end>
          <Button secondary onClick={onCancel}>
            {i18n.t('Cancel')}
          </Button>
          <Button destructive onClick={onConfirm} dataTest="confirm-action">
            {confirmLabel}
          </Button>
        </ButtonStrip>
      </ModalActions>
    </Modal>
  );
}
