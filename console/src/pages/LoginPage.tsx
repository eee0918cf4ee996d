import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox, Radio } from '@dhis2/ui';
import { useEffect, useState, type FormEvent } from 'react';

import { fetchLoginMethods, login, loginWithDhis2 } from '../api/auth.js';
import { ApiError } from '../api/client.js';
import type { Session } from '../api/types.js';
import { describeError } from '../components/error-text.js';
import styles from './LoginPage.module.css';

type Method = 'local' | 'dhis2';

function loginErrorText(error: unknown, method: Method): string {
  if (error instanceof ApiError && error.status === 401 && method === 'dhis2') {
    return i18n.t('DHIS2 did not accept this username and password, or your DHIS2 user has no access to Outpost.');
  }
  if (error instanceof ApiError && error.status === 401) {
    return i18n.t('Wrong username or password. Check both and try again.');
  }
  if (error instanceof ApiError && error.status === 429) {
    return i18n.t('Too many sign-in attempts from this address. Wait a minute, then try again.');
  }
  return describeError(error);
}

/** Username and password form; the session cookie is set by the server. */
export function LoginPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [dhis2Offered, setDhis2Offered] = useState(false);
  const [method, setMethod] = useState<Method>('local');

  useEffect(() => {
    // Without a response the page offers the Outpost account only.
    fetchLoginMethods().then(
      (methods) => setDhis2Offered(methods.dhis2),
      () => setDhis2Offered(false),
    );
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    try {
      onSignedIn(method === 'dhis2' ? await loginWithDhis2(username, password) : await login(username, password));
    } catch (failure) {
      setError(failure);
      setSubmitting(false);
    }
  };

  return (
    <div className={styles.page}>
      <form className={styles.card} onSubmit={submit} data-test="login-form">
        <div className={styles.banner}>{i18n.t('Outpost device management')}</div>
        <div className={styles.fields}>
          <h1 className={styles.heading}>{i18n.t('Sign in')}</h1>
          {dhis2Offered && (
            <div role="radiogroup" aria-label={i18n.t('Account type')} data-test="login-method">
              <Radio
                label={i18n.t('Outpost account')}
                name="method"
                value="local"
                checked={method === 'local'}
                onChange={() => setMethod('local')}
                dataTest="login-method-local"
              />
              <Radio
                label={i18n.t('DHIS2 account')}
                name="method"
                value="dhis2"
                checked={method === 'dhis2'}
                onChange={() => setMethod('dhis2')}
                dataTest="login-method-dhis2"
              />
            </div>
          )}
          <InputField
            label={i18n.t('Username')}
            name="username"
            autoComplete="username"
            value={username}
            onChange={({ value }) => setUsername(value ?? '')}
            required
            initialFocus
          />
          <InputField
            label={i18n.t('Password')}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={({ value }) => setPassword(value ?? '')}
            required
          />
          {error !== null && (
            <NoticeBox error title={i18n.t('Sign-in failed')} dataTest="login-error">
              {loginErrorText(error, method)}
            </NoticeBox>
          )}
          <Button type="submit" primary loading={submitting} disabled={!username || !password} dataTest="login-submit">
            {i18n.t('Sign in')}
          </Button>
        </div>
      </form>
    </div>
  );
}
