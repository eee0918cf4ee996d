import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox } from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { saveConnection, testConnection, type ConnectionTest, type Dhis2Connection } from '../../api/dhis2.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import styles from './Dhis2.module.css';

interface Props {
  connection: Dhis2Connection;
  canEdit: boolean;
  onSaved: () => void;
}

/** Base URL and token of the DHIS2 server, with a test that shows its version and the token's user. */
export function ConnectionSection({ connection, canEdit, onSaved }: Props) {
  const [baseUrl, setBaseUrl] = useState(connection.baseUrl ?? '');
  const [token, setToken] = useState('');
  const [timeout, setTimeoutSeconds] = useState(String(connection.timeoutSeconds));
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => setBaseUrl(connection.baseUrl ?? ''), [connection.baseUrl]);

  const input = () => ({
    baseUrl,
    ...(token.trim() === '' ? {} : { token }),
    ...(timeout.trim() === '' ? {} : { timeoutSeconds: Number(timeout) }),
  });

  const run = async (action: 'save' | 'test') => {
    setBusy(action);
    setError(null);
    setSaved(false);
    try {
      if (action === 'save') {
        await saveConnection(input());
        setToken('');
        setSaved(true);
        onSaved();
      } else {
        const changed = baseUrl !== connection.baseUrl || token.trim() !== '';
        setTest(await testConnection(changed ? input() : {}));
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Section title={i18n.t('DHIS2 connection')} dataTest="dhis2-connection">
      <p className={styles.help}>
        {i18n.t(
          'Outpost reads org units, users and user groups from DHIS2 with a personal access token. Create the token in DHIS2 (Profile > Personal access tokens) for a user that may read users and org units, and write the APK_DISTRIBUTION dataStore only if Outpost should steer the in-app update prompt.',
        )}
      </p>
      <div className={styles.form}>
        <InputField
          label={i18n.t('Base URL')}
          helpText={i18n.t('The DHIS2 address before /api, for example https://dhis2.example.org')}
          value={baseUrl}
          onChange={({ value }) => setBaseUrl(value ?? '')}
          disabled={!canEdit}
          dataTest="dhis2-base-url"
        />
        <InputField
          label={i18n.t('Personal access token')}
          type="password"
          placeholder={connection.tokenSet ? i18n.t('Stored; leave empty to keep it') : i18n.t('d2p_…')}
          helpText={i18n.t('Stored encrypted. Outpost never shows it again.')}
          value={token}
          onChange={({ value }) => setToken(value ?? '')}
          disabled={!canEdit}
          dataTest="dhis2-token"
        />
        <InputField
          label={i18n.t('Timeout (seconds)')}
          type="number"
          value={timeout}
          onChange={({ value }) => setTimeoutSeconds(value ?? '')}
          disabled={!canEdit}
          inputWidth="120px"
        />
        {canEdit && (
          <div className={styles.row}>
            <Button primary onClick={() => void run('save')} loading={busy === 'save'} dataTest="dhis2-save">
              {i18n.t('Save connection')}
            </Button>
            <Button onClick={() => void run('test')} loading={busy === 'test'} dataTest="dhis2-test">
              {i18n.t('Test connection')}
            </Button>
          </div>
        )}
      </div>
      <ErrorNotice error={error} title={i18n.t('The connection could not be saved or tested')} />
      {saved && <p>{i18n.t('Saved.')}</p>}
      {connection.updatedAt !== null && (
        <p className={styles.muted}>{i18n.t('Last changed {{time}} by {{user}}', { time: formatTime(connection.updatedAt), user: connection.updatedBy ?? '–' })}</p>
      )}
      {test && <TestResult result={test} />}
      {!test && connection.lastTest && (
        <p className={styles.muted}>
          {connection.lastTest.ok
            ? i18n.t('Last test {{time}}: DHIS2 {{version}}, user {{user}}', {
                time: formatTime(connection.lastTest.at),
                version: connection.lastTest.version ?? '–',
                user: connection.lastTest.user?.username ?? '–',
              })
            : i18n.t('Last test {{time}} failed', { time: formatTime(connection.lastTest.at) })}
        </p>
      )}
    </Section>
  );
}

function TestResult({ result }: { result: ConnectionTest }) {
  return (
    <div className={styles.result} data-test="dhis2-test-result">
      {result.ok ? (
        <NoticeBox valid title={i18n.t('Connected to DHIS2 {{version}}', { version: result.version ?? '' })}>
          {i18n.t('Signed in as {{username}} ({{name}}) on {{system}}.', {
            username: result.user?.username ?? '–',
            name: result.user?.name || '–',
            system: result.systemName ?? i18n.t('an unnamed server'),
          })}
          {result.message && <p>{result.message}</p>}
        </NoticeBox>
      ) : (
        <NoticeBox error title={i18n.t('The test failed')}>
          {result.message}
        </NoticeBox>
      )}
    </div>
  );
}
