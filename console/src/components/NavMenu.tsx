import i18n from '@dhis2/d2-i18n';
import { Menu, MenuItem } from '@dhis2/ui';
import { useContext } from 'react';

import { routeHref } from '../router.js';
import { SessionContext } from '../session.js';

interface NavItem {
  path: string;
  label: () => string;
  /** Shown only to admins who see the whole fleet. */
  fleetAdminOnly?: boolean;
}

// Labels are functions so they are translated at render time, after the
// catalog is loaded.
const NAV_ITEMS: NavItem[] = [
  { path: '/', label: () => i18n.t('Fleet overview') },
  { path: '/devices', label: () => i18n.t('Devices') },
  { path: '/map', label: () => i18n.t('Map') },
  { path: '/apps', label: () => i18n.t('Apps') },
  { path: '/policies', label: () => i18n.t('Policies') },
  { path: '/compliance', label: () => i18n.t('Compliance') },
  { path: '/rollouts', label: () => i18n.t('Rollouts') },
  { path: '/bulk', label: () => i18n.t('Bulk actions') },
  { path: '/enrolment', label: () => i18n.t('Enrolment') },
  { path: '/assignments', label: () => i18n.t('Assignments') },
  { path: '/users', label: () => i18n.t('Users'), fleetAdminOnly: true },
  { path: '/dhis2', label: () => i18n.t('DHIS2') },
  { path: '/audit', label: () => i18n.t('Audit trail') },
  { path: '/settings', label: () => i18n.t('Settings') },
];

function isActive(itemPath: string, currentPath: string): boolean {
  if (itemPath === '/') return currentPath === '/';
  return currentPath === itemPath || currentPath.startsWith(`${itemPath}/`);
}

/** Left-hand menu of the console's sections. */
export function NavMenu({ currentPath }: { currentPath: string }) {
  const user = useContext(SessionContext);
  const fleetAdmin = user?.role === 'admin' && !user.orgUnits;
  return (
    <nav aria-label={i18n.t('Sections')}>
      <Menu>
        {NAV_ITEMS.filter((item) => !item.fleetAdminOnly || fleetAdmin).map((item) => (
          <MenuItem
            key={item.path}
            href={routeHref(item.path)}
            label={item.label()}
            active={isActive(item.path, currentPath)}
            dataTest={`nav-${item.path.slice(1) || 'fleet'}`}
          />
        ))}
      </Menu>
    </nav>
  );
}
