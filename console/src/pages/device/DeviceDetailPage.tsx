import i18n from '@dhis2/d2-i18n';
import { Button } from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { fetchDevice } from '../../api/devices.js';
import { fetchOrgUnits } from '../../api/org-units.js';
import type { DeviceDetail } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { JsonView } from '../../components/JsonView.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { routeHref } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { AssignPolicy } from './AssignPolicy.js';
import { DeviceAssignmentSection } from './DeviceAssignmentSection.js';
import { DeviceCommands } from './DeviceCommands.js';
import { DeviceCompliance } from './DeviceCompliance.js';
import { DeviceInventory } from './DeviceInventory.js';
import { DeviceOverrides } from './DeviceOverrides.js';
import { DeviceTrackSection } from './DeviceTrackSection.js';
import { InstalledApps } from './InstalledApps.js';
import { LostModeSection } from './LostModeSection.js';
import { RecentLocations } from './RecentLocations.js';

/** Everything known about one device, with policy assignment and commands. */
export function DeviceDetailPage({ id }: { id: string }) {
  const user = useUser();
  const loaded = useApiData(() => fetchDevice(id), [id]);
  const orgUnits = useApiData(fetchOrgUnits, []);
  // The last saved version replaces the loaded one until the next reload.
  const [device, setDevice] = useState<DeviceDetail>();
  useEffect(() => setDevice(loaded.data), [loaded.data]);
  // Compliance reloads with the device and after each override change.
  const [complianceKey, setComplianceKey] = useState(0);
  useEffect(() => setComplianceKey((key) => key + 1), [loaded.data]);

  return (
    <>
      <PageHeader title={device ? i18n.t('Device {{id}}', { id: device.deviceId }) : i18n.t('Device')}>
        <Button small onClick={loaded.reload} loading={loaded.loading && device !== undefined}>
          {i18n.t('Refresh')}
        </Button>
        <a href={routeHref('/devices')}>{i18n.t('Back to devices')}</a>
      </PageHeader>
      <ErrorNotice error={loaded.error} title={i18n.t('The device could not be loaded')} />
      {device === undefined && loaded.loading && <Loading />}
      {device && (
        <>
          <DeviceInventory device={device} orgUnits={orgUnits.data ?? []} />
          {hasRole(user, 'operator') && <AssignPolicy device={device} orgUnits={orgUnits} onSaved={setDevice} />}
          <DeviceAssignmentSection devicePk={device.id} onChange={loaded.reload} />
          <InstalledApps apps={device.installedApps} />
          <DeviceCompliance devicePk={device.id} refreshKey={complianceKey} />
          <DeviceOverrides devicePk={device.id} onSaved={() => setComplianceKey((key) => key + 1)} />
          <RecentLocations locations={device.recentLocations} />
          <DeviceTrackSection deviceId={device.id} lastFixAt={device.lastLocation?.at ?? null} />
          <LostModeSection devicePk={device.id} onChange={loaded.reload} />
          <DeviceCommands devicePk={device.id} deviceId={device.deviceId} refreshToken={device} />
          <Section title={i18n.t('Last device report')} dataTest="device-raw">
            <JsonView value={device.rawInfo} />
          </Section>
        </>
      )}
    </>
  );
}
