import i18n from '@dhis2/d2-i18n';
import { Button, NoticeBox, TextAreaField } from '@dhis2/ui';
import { useState } from 'react';

import { changeRolloutState, haltRollout, retryFailedDevices, type Rollout, type RolloutAction } from '../../api/rollouts.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import styles from './Rollouts.module.css';

const OPEN_STATES = new Set(['draft', 'running', 'paused', 'halted']);

interface Props {
  rollout: Rollout;
  failedDevices: number;
  /** Called after every change so the page loads the new state. */
  onChanged: () => void;
}

/** State buttons of a rollout (start, pause, resume, halt, complete) and retry of failed devices. */
export function RolloutActions({ rollout, failedDevices, onChanged }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<'halt' | 'complete' | null>(null);
  const [haltReason, setHaltReason] = useState('');

  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      setMessage(await action());
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const change = (action: RolloutAction) =>
    run(async () => {
      await changeRolloutState(rollout.id, action);
      return null;
    });

  const { state } = rollout;
  const canHalt = state === 'running' || state === 'paused';

  return (
    <div data-test="rollout-actions">
      <div className={styles.actions}>
        {state === 'draft' && (
          <Button primary disabled={busy} onClick={() => void change('start')} dataTest="rollout-start">
            {i18n.t('Start')}
          </Button>
        )}
        {state === 'running' && (
          <Button disabled={busy} onClick={() => void change('pause')} dataTest="rollout-pause">
            {i18n.t('Pause')}
          </Button>
        )}
        {(state === 'paused' || state === 'halted') && (
          <Button primary disabled={busy} onClick={() => void change('resume')} dataTest="rollout-resume">
            {i18n.t('Resume')}
          </Button>
        )}
        {canHalt && (
          <Button destructive disabled={busy} onClick={() => setConfirming('halt')} dataTest="rollout-halt">
            {i18n.t('Halt')}
          </Button>
        )}
        {OPEN_STATES.has(state) && (
          <Button disabled={busy} onClick={() => setConfirming('complete')} dataTest="rollout-complete">
            {i18n.t('Complete')}
          </Button>
        )}
        {OPEN_STATES.has(state) && (
          <Button
            disabled={busy || failedDevices === 0}
            onClick={() =>
              void run(async () => {
                const { retried } = await retryFailedDevices(rollout.id);
                return i18n.t('Failed devices set back to pending: {{count}}', { count: retried });
              })
            }
            dataTest="rollout-retry"
          >
            {i18n.t('Retry failed devices ({{count}})', { count: failedDevices })}
          </Button>
        )}
      </div>
      {(canHalt || state === 'halted') && (
        <p className={styles.rollbackNote} data-test="rollback-note">
          {i18n.t('Rollback is halt and pin: Android cannot downgrade an app without wiping its data.')}
        </p>
      )}
      {message && (
        <NoticeBox valid dataTest="rollout-action-done">
          {message}
        </NoticeBox>
      )}
      <ErrorNotice error={error} title={i18n.t('The rollout was not changed')} />

      {confirming === 'halt' && (
        <ConfirmModal
          title={i18n.t('Halt this rollout?')}
          confirmLabel={i18n.t('Halt')}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void run(async () => {
              await haltRollout(rollout.id, haltReason.trim());
              return null;
            });
          }}
        >
          <p>{i18n.t('Devices stop getting the target. Devices that installed it keep it.')}</p>
          <p className={styles.rollbackNote}>
            {i18n.t('Rollback is halt and pin: Android cannot downgrade an app without wiping its data.')}
          </p>
          <TextAreaField
            label={i18n.t('Reason (optional)')}
            value={haltReason}
            onChange={({ value }) => setHaltReason(value ?? '')}
            rows={2}
            dataTest="halt-reason"
          />
        </ConfirmModal>
      )}
      {confirming === 'complete' && (
        <ConfirmModal
          title={i18n.t('Complete this rollout?')}
          confirmLabel={i18n.t('Complete')}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void change('complete');
          }}
        >
          {i18n.t('Devices that have not installed the target are offered their policy version again, and the package may get a new rollout. This cannot be undone.')}
        </ConfirmModal>
      )}
    </div>
  );
}
