import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox } from '@dhis2/ui';
import { useState } from 'react';

import { enterLostMode, fetchLostMode, leaveLostMode } from '../../api/devices.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';

/**
 * Lost mode of the device: while on, the phone is locked with a message and
 * reports its position often. Operators switch it on and off.
 */
export function LostModeSection({ devicePk, onChange }: { devicePk: string; onChange: () => void }) {
  const user = useUser();
  const lostMode = useApiData(() => fetchLostMode(devicePk), [devicePk]);
  const [message, setMessage] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const change = async (action: () => Promise<unknown>) => {
    setSaving(true);
    setError(null);
    try {
      await action();
      lostMode.reload();
      onChange();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const state = lostMode.data;
  return (
    <Section title={i18n.t('Lost mode')} dataTest="device-lost-mode">
      <ErrorNotice error={lostMode.error ?? error} title={i18n.t('Lost mode could not be loaded or changed')} />
      {state?.lost && (
        <NoticeBox warning title={i18n.t('This device is in lost mode')}>
          {i18n.t('Since {{time}}, set by {{user}}. Lock-screen message: {{message}}', {
            time: formatTime(state.since),
            user: state.by ?? '–',
            message: state.message ?? '–',
          })}
        </NoticeBox>
      )}
      {state && !state.lost && <p>{i18n.t('The device is not in lost mode.')}</p>}
      {state && hasRole(user, 'operator') && (
        <div>
          {!state.lost && (
            <InputField
              label={i18n.t('Message on the lock screen')}
              placeholder={i18n.t('e.g. This phone belongs to the district health office. Call 0700 000 000.')}
              inputWidth="420px"
              value={message}
              onChange={({ value }) => setMessage(value ?? '')}
              dataTest="lost-mode-message"
            />
          )}
          {state.lost ? (
            <Button loading={saving} onClick={() => void change(() => leaveLostMode(devicePk))} dataTest="lost-mode-leave">
              {i18n.t('End lost mode and unlock')}
            </Button>
          ) : (
            <Button destructive loading={saving} onClick={() => void change(() => enterLostMode(devicePk, message))} dataTest="lost-mode-enter">
              {i18n.t('Mark as lost')}
            </Button>
          )}
        </div>
      )}
    </Section>
  );
}
