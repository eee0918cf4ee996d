import type { ReactNode } from 'react';

import type { User } from '../api/types.js';
import { HeaderBar } from './HeaderBar.js';
import { NavMenu } from './NavMenu.js';
import styles from './AppShell.module.css';

interface Props {
  user: User;
  currentPath: string;
  onSignOut: () => void;
  signingOut: boolean;
  children: ReactNode;
}

/** Header bar, left menu and the page beside it. */
export function AppShell({ user, currentPath, onSignOut, signingOut, children }: Props) {
  return (
    <div className={styles.shell}>
      <HeaderBar user={user} onSignOut={onSignOut} signingOut={signingOut} />
      <div className={styles.body}>
        <aside className={styles.sidebar}>
          <NavMenu currentPath={currentPath} />
        </aside>
        <main className={styles.main}>{children}</main>
      </div>
    </div>
  );
}
