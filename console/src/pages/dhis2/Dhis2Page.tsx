import i18n from '@dhis2/d2-i18n';

import { fetchConnection, fetchSyncStatus } from '../../api/dhis2.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { ConnectionSection } from './ConnectionSection.js';
import { Dhis2Tabs } from './Dhis2Tabs.js';
import { SyncSection } from './SyncSection.js';

/** DHIS2 connection settings with a test, and the synchronisation of org units and users. */
export function Dhis2Page() {
  const user = useUser();
  const canEdit = hasRole(user, 'admin') && !user.orgUnits;
  const connection = useApiData(fetchConnection, []);
  const status = useApiData(fetchSyncStatus, []);

  return (
    <>
      <PageHeader title={i18n.t('DHIS2')} />
      <Dhis2Tabs current="/dhis2" />
      <ErrorNotice error={connection.error ?? status.error} title={i18n.t('The DHIS2 settings could not be loaded')} />
      {(!connection.data || !status.data) && (connection.loading || status.loading) && <Loading />}
      {connection.data && (
        <ConnectionSection
          connection={connection.data}
          canEdit={canEdit}
          onSaved={() => {
            connection.reload();
            status.reload();
          }}
        />
      )}
      {status.data && <SyncSection status={status.data} canEdit={canEdit} onChanged={status.reload} />}
    </>
  );
}
