import i18n from '@dhis2/d2-i18n';

import { fetchApps } from '../../api/apps.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { ApkUpload } from './ApkUpload.js';
import { AppCatalogue } from './AppCatalogue.js';
import { ReleaseImport } from './ReleaseImport.js';

/** App catalogue and, for admins, APK upload and release import. */
export function AppsPage() {
  const user = useUser();
  const apps = useApiData(fetchApps, []);

  return (
    <>
      <PageHeader title={i18n.t('Apps')} />
      {hasRole(user, 'admin') && <ApkUpload onUploaded={apps.reload} />}
      {hasRole(user, 'admin') && <ReleaseImport onImported={apps.reload} />}
      <Section title={i18n.t('Catalogue')}>
        <ErrorNotice error={apps.error} title={i18n.t('The catalogue could not be loaded')} />
        {apps.data === undefined && apps.loading && <Loading />}
        {apps.data && <AppCatalogue apps={apps.data} />}
      </Section>
    </>
  );
}
