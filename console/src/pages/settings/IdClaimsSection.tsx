import i18n from '@dhis2/d2-i18n';
import { Button, DataTable, DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow } from '@dhis2/ui';
import { useState } from 'react';

import { routeHref } from '../../router.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime, orDash } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { dismissIdClaim, fetchIdClaims } from './settings-api.js';

/** Devices whose id another phone used, with both phones' serials, and a way to dismiss each flag. */
export function IdClaimsSection({ canDismiss }: { canDismiss: boolean }) {
  const claims = useApiData(fetchIdClaims, []);
  const [error, setError] = useState<unknown>(null);

  const dismiss = async (devicePk: string) => {
    setError(null);
    try {
      await dismissIdClaim(devicePk);
      claims.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <Section title={i18n.t('Device ids claimed by another phone')} dataTest="id-claims">
      <ErrorNotice error={claims.error ?? error} title={i18n.t('The id claims could not be loaded or changed')} />
      {claims.data?.length === 0 && <p>{i18n.t('No phone has used the device id of another.')}</p>}
      {claims.data && claims.data.length > 0 && (
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Device')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Enrolled serial')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Other phone serial')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Other phone IMEI')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Claims')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Last claim')}</DataTableColumnHeader>
              <DataTableColumnHeader />
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {claims.data.map((claim) => (
              <DataTableRow key={claim.devicePk} dataTest="id-claim-row">
                <DataTableCell>
                  <a href={routeHref(`/devices/${claim.devicePk}`)}>{claim.deviceId}</a>
                </DataTableCell>
                <DataTableCell>{orDash(claim.enrolledSerial)}</DataTableCell>
                <DataTableCell>{orDash(claim.claimantSerial)}</DataTableCell>
                <DataTableCell>{orDash(claim.claimantImei)}</DataTableCell>
                <DataTableCell>{claim.claimCount}</DataTableCell>
                <DataTableCell>{formatTime(claim.lastClaimedAt)}</DataTableCell>
                <DataTableCell>
                  {canDismiss && (
                    <Button small onClick={() => void dismiss(claim.devicePk)} dataTest="id-claim-dismiss">
                      {i18n.t('Dismiss')}
                    </Button>
                  )}
                </DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
    </Section>
  );
}
