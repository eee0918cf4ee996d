import i18n from '@dhis2/d2-i18n';
import { NoticeBox } from '@dhis2/ui';
import type { ReactNode } from 'react';

import { AppsPage } from './pages/apps/AppsPage.js';
import { AssignmentsPage } from './pages/assignments/AssignmentsPage.js';
import { AuditPage } from './pages/AuditPage.js';
import { CompliancePage } from './pages/compliance/CompliancePage.js';
import { BulkJobPage } from './pages/bulk/BulkJobPage.js';
import { BulkJobsPage } from './pages/bulk/BulkJobsPage.js';
import { DeviceDetailPage } from './pages/device/DeviceDetailPage.js';
import { DeviceListPage } from './pages/devices/DeviceListPage.js';
import { ApkDistributionPage } from './pages/dhis2/ApkDistributionPage.js';
import { AttentionPage } from './pages/dhis2/AttentionPage.js';
import { Dhis2Page } from './pages/dhis2/Dhis2Page.js';
import { EnrolmentPage } from './pages/enrolment/EnrolmentPage.js';
import { FleetPage } from './pages/FleetPage.js';
import { MapPage } from './pages/map/MapPage.js';
import { PoliciesPage } from './pages/policies/PoliciesPage.js';
import { PolicyEditPage } from './pages/policies/PolicyEditPage.js';
import { RolloutDetailPage } from './pages/rollouts/RolloutDetailPage.js';
import { RolloutsPage } from './pages/rollouts/RolloutsPage.js';
import { RolloutWizard } from './pages/rollouts/RolloutWizard.js';
import { SettingsPage } from './pages/settings/SettingsPage.js';
import { UsersPage } from './pages/users/UsersPage.js';
import { matchRoute } from './router.js';

type RouteRender = (params: Record<string, string>) => ReactNode;

// First match wins, so `/policies/new` comes before `/policies/:id`.
const ROUTES: [string, RouteRender][] = [
  ['/', () => <FleetPage />],
  ['/devices', () => <DeviceListPage />],
  ['/devices/:id', (params) => <DeviceDetailPage key={params.id} id={params.id!} />],
  ['/map', () => <MapPage />],
  ['/apps', () => <AppsPage />],
  ['/compliance', () => <CompliancePage />],
  ['/policies', () => <PoliciesPage />],
  ['/policies/new', () => <PolicyEditPage key="new" id={null} />],
  ['/policies/:id', (params) => <PolicyEditPage key={params.id} id={params.id!} />],
  ['/rollouts', () => <RolloutsPage />],
  ['/rollouts/new', () => <RolloutWizard />],
  ['/rollouts/:id', (params) => <RolloutDetailPage key={params.id} id={params.id!} />],
  ['/bulk', () => <BulkJobsPage />],
  ['/bulk/:id', (params) => <BulkJobPage key={params.id} id={params.id!} />],
  ['/enrolment', () => <EnrolmentPage />],
  ['/assignments', () => <AssignmentsPage />],
  ['/users', () => <UsersPage />],
  ['/dhis2', () => <Dhis2Page />],
  ['/dhis2/attention', () => <AttentionPage />],
  ['/dhis2/apk', () => <ApkDistributionPage />],
  ['/audit', () => <AuditPage />],
  ['/settings', () => <SettingsPage />],
];

/** Page for the current client route. */
export function PageRouter({ path }: { path: string }) {
  for (const [pattern, render] of ROUTES) {
    const params = matchRoute(pattern, path);
    if (params) return <>{render(params)}</>;
  }
  return (
    <NoticeBox warning title={i18n.t('Page not found')}>
      {i18n.t('There is no console page at {{path}}.', { path })}
    </NoticeBox>
  );
}
