import i18n from '@dhis2/d2-i18n';

import type { User } from '../api/types.js';
import { roleLabel } from './role-label.js';
import styles from './HeaderBar.module.css';

interface Props {
  user: User;
  onSignOut: () => void;
  signingOut: boolean;
}

/**
 * Top bar in the colours and height of the DHIS2 header bar. The @dhis2/ui
 * HeaderBar itself loads the user and apps from a DHIS2 server, so it cannot
 * run here.
 */
export function HeaderBar({ user, onSignOut, signingOut }: Props) {
  return (
    <header className={styles.bar}>
      <div className={styles.title}>
        <span className={styles.logo} aria-hidden="true">
          O
        </span>
        {i18n.t('Outpost device management')}
      </div>
      <div className={styles.user} data-test="header-user">
        <span className={styles.username}>{user.username}</span>
        <span className={styles.role}>{roleLabel(user.role)}</span>
        {/* A plain button: the @dhis2/ui secondary button has dark text, unreadable on the blue bar. */}
        <button type="button" className={styles.signOut} onClick={onSignOut} disabled={signingOut} data-test="sign-out">
          {i18n.t('Sign out')}
        </button>
      </div>
    </header>
  );
}
