import i18n from '@dhis2/d2-i18n';
import { useCallback, useEffect, useState } from 'react';

import { fetchSession, logout } from './api/auth.js';
import { onUnauthorized } from './api/client.js';
import type { Session } from './api/types.js';
import { AppShell } from './components/AppShell.js';
import { ErrorNotice } from './components/ErrorNotice.js';
import { Loading } from './components/Loading.js';
import { LoginPage } from './pages/LoginPage.js';
import { PageRouter } from './PageRouter.js';
import { useRoutePath } from './router.js';
import { SessionContext } from './session.js';

type SessionState =
  | { kind: 'checking' }
  | { kind: 'signedOut' }
  | { kind: 'signedIn'; session: Session }
  | { kind: 'failed'; error: unknown };

/** Checks the session cookie, then shows the login page or the console. */
export function App() {
  const path = useRoutePath();
  const [state, setState] = useState<SessionState>({ kind: 'checking' });
  const [signingOut, setSigningOut] = useState(false);

  useEffect(() => {
    fetchSession().then(
      (session) => setState(session ? { kind: 'signedIn', session } : { kind: 'signedOut' }),
      (error: unknown) => setState({ kind: 'failed', error }),
    );
  }, []);

  // Any 401 from the API means the session expired or was revoked.
  useEffect(() => {
    onUnauthorized(() => setState({ kind: 'signedOut' }));
    return () => onUnauthorized(null);
  }, []);

  const signOut = useCallback(async () => {
    setSigningOut(true);
    try {
      await logout();
    } catch {
      // The cookie may already be gone; the user is shown the login page either way.
    } finally {
      setSigningOut(false);
      setState({ kind: 'signedOut' });
    }
  }, []);

  switch (state.kind) {
    case 'checking':
      return <Loading />;
    case 'failed':
      return <ErrorNotice error={state.error} title={i18n.t('The console could not check your session')} />;
    case 'signedOut':
      return <LoginPage onSignedIn={(session) => setState({ kind: 'signedIn', session })} />;
    case 'signedIn':
      return (
        <SessionContext.Provider value={state.session.user}>
          <AppShell user={state.session.user} currentPath={path} onSignOut={signOut} signingOut={signingOut}>
            <PageRouter path={path} />
          </AppShell>
        </SessionContext.Provider>
      );
  }
}
