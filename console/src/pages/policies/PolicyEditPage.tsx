import i18n from '@dhis2/d2-i18n';

import { fetchApps } from '../../api/apps.js';
import { fetchPolicy } from '../../api/policies.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiData } from '../../use-api-data.js';
import { PolicyForm } from './PolicyForm.js';

/** Loads the policy (or starts a new one) and shows the form. */
export function PolicyEditPage({ id }: { id: string | null }) {
  const policy = useApiData(() => (id === null ? Promise.resolve(null) : fetchPolicy(id)), [id]);
  const apps = useApiData(fetchApps, []);
  const title = id === null ? i18n.t('New policy') : i18n.t('Edit policy');

  return (
    <>
      <PageHeader title={title} />
      <ErrorNotice error={policy.error ?? apps.error} title={i18n.t('The policy could not be loaded')} />
      {(policy.data === undefined || apps.data === undefined) && (policy.loading || apps.loading) && <Loading />}
      {policy.data !== undefined && apps.data && <PolicyForm policy={policy.data} catalogue={apps.data} />}
    </>
  );
}
