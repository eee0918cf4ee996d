import i18n from '@dhis2/d2-i18n';

import { fetchApps } from '../../api/apps.js';
import { fetchPolicy, fetchPolicyDefaults, fetchRestrictions } from '../../api/policies.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { useApiData } from '../../use-api-data.js';
import { PolicyForm } from './PolicyForm.js';
import { PolicyVersions } from './PolicyVersions.js';

/** Loads the policy (or starts a new one), the default settings, the app list and the restriction catalogue, and shows the form. */
export function PolicyEditPage({ id }: { id: string | null }) {
  const policy = useApiData(() => (id === null ? Promise.resolve(null) : fetchPolicy(id)), [id]);
  const apps = useApiData(fetchApps, []);
  const restrictions = useApiData(fetchRestrictions, []);
  const defaults = useApiData(fetchPolicyDefaults, []);
  const title = id === null ? i18n.t('New policy') : i18n.t('Edit policy');
  const error = policy.error ?? apps.error ?? restrictions.error ?? defaults.error;
  const ready = policy.data !== undefined && apps.data !== undefined && restrictions.data !== undefined && defaults.data !== undefined;

  return (
    <>
      <PageHeader title={title} />
      <ErrorNotice error={error} title={i18n.t('The policy could not be loaded')} />
      {!ready && error === null && <Loading />}
      {ready && policy.data && <PolicyVersions policy={policy.data} />}
      {ready && <PolicyForm policy={policy.data ?? null} defaults={defaults.data!} catalogue={apps.data!} restrictions={restrictions.data!} />}
    </>
  );
}
