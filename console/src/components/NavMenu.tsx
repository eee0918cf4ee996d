import i18n from '@dhis2/d2-i18n';
import { Menu, MenuItem } from '@dhis2/ui';

import { routeHref } from '../router.js';

interface NavItem {
  path: string;
  label: () => string;
}

// Labels are functions so they are translated at render time, after the
// catalog is loaded.
const NAV_ITEMS: NavItem[] = [
  { path: '/', label: () => i18n.t('Fleet overview') },
  { path: '/devices', label: () => i18n.t('Devices') },
  { path: '/apps', label: () => i18n.t('Apps') },
  { path: '/policies', label: () => i18n.t('Policies') },
  { path: '/rollouts', label: () => i18n.t('Rollouts') },
  { path: '/enrolment', label: () => i18n.t('Enrolment') },
  { path: '/audit', label: () => i18n.t('Audit trail') },
];

function isActive(itemPath: string, currentPath: string): boolean {
  if (itemPath === '/') return currentPath === '/';
  return currentPath === itemPath || currentPath.startsWith(`${itemPath}/`);
}

/** Left-hand menu of the console's sections. */
export function NavMenu({ currentPath }: { currentPath: string }) {
  return (
    <nav aria-label={i18n.t('Sections')}>
      <Menu>
        {NAV_ITEMS.map((item) => (
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
