import i18n from '@dhis2/d2-i18n';
import { Button, CheckboxField } from '@dhis2/ui';
import { useState } from 'react';

import { fetchComplianceDevices, fetchComplianceSummary, type ComplianceFilter } from '../../api/compliance.js';
import { fetchPolicies } from '../../api/policies.js';
import type { ComplianceIssue, PolicyState } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { Select } from '../policies/form-controls.js';
import { ISSUES, issueLabel, POLICY_STATES, policyStateLabel } from './compliance-labels.js';
import { ComplianceDeviceTable } from './ComplianceDeviceTable.js';
import { ComplianceSummaryTiles } from './ComplianceSummaryTiles.js';
import styles from './Compliance.module.css';

const PAGE_SIZE = 50;
const ANY = 'any';

/** Filter from the route's query, so the policy page can link to its devices. */
function initialFilter(): ComplianceFilter {
  const query = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const policyId = query.get('policyId');
  return policyId ? { policyId, needsAttention: false } : { needsAttention: true };
}

/** Compliance counts of the fleet and the devices that need attention, filterable. */
export function CompliancePage() {
  const [filter, setFilter] = useState<ComplianceFilter>(initialFilter);
  const [offset, setOffset] = useState(0);
  const summary = useApiData(fetchComplianceSummary, []);
  const policies = useApiData(fetchPolicies, []);
  const devices = useApiData(() => fetchComplianceDevices({ ...filter, limit: PAGE_SIZE, offset }), [JSON.stringify(filter), offset]);

  const update = (change: Partial<ComplianceFilter>) => {
    setOffset(0);
    setFilter((current) => ({ ...current, ...change }));
  };
  const reload = () => {
    summary.reload();
    devices.reload();
  };
  const total = devices.data?.total ?? 0;

  return (
    <>
      <PageHeader title={i18n.t('Compliance')}>
        <Button small onClick={reload} dataTest="compliance-refresh">
          {i18n.t('Refresh')}
        </Button>
      </PageHeader>
      <Section>
        <ErrorNotice error={summary.error} title={i18n.t('The compliance summary could not be loaded')} />
        {summary.data === undefined && summary.loading && <Loading />}
        {summary.data && (
          <ComplianceSummaryTiles
            summary={summary.data}
            onIssue={(issue) => update({ issue, policyState: undefined, needsAttention: false })}
            onPolicyState={(policyState) => update({ policyState, issue: undefined, needsAttention: false })}
          />
        )}
        <p className={styles.note}>
          {i18n.t(
            'Applied means the device fetched the current policy version and reported afterwards. The open-source agent does not report its screen-lock password state or active restrictions, so they are not counted.',
          )}
        </p>
      </Section>

      <Section title={i18n.t('Devices')} dataTest="compliance-devices">
        <div className={styles.filters}>
          <Select
            label={i18n.t('Issue')}
            selected={filter.issue ?? ANY}
            options={[{ value: ANY, label: i18n.t('Any') }, ...ISSUES.map((issue) => ({ value: issue, label: issueLabel(issue) }))]}
            onChange={(value) => update({ issue: value === ANY ? undefined : (value as ComplianceIssue) })}
            dataTest="filter-issue"
          />
          <Select
            label={i18n.t('Policy state')}
            selected={filter.policyState ?? ANY}
            options={[{ value: ANY, label: i18n.t('Any') }, ...POLICY_STATES.map((state) => ({ value: state, label: policyStateLabel(state) }))]}
            onChange={(value) => update({ policyState: value === ANY ? undefined : (value as PolicyState) })}
            dataTest="filter-policy-state"
          />
          <Select
            label={i18n.t('Policy')}
            selected={filter.policyId ?? ANY}
            options={[{ value: ANY, label: i18n.t('Any') }, ...(policies.data ?? []).map((policy) => ({ value: policy.id, label: policy.name }))]}
            onChange={(value) => update({ policyId: value === ANY ? undefined : value })}
            dataTest="filter-policy"
          />
          <CheckboxField
            label={i18n.t('Only devices that need attention')}
            checked={filter.needsAttention === true}
            onChange={({ checked }) => update({ needsAttention: checked })}
            dataTest="filter-attention"
          />
        </div>
        <ErrorNotice error={devices.error} title={i18n.t('The devices could not be loaded')} />
        {devices.data === undefined && devices.loading && <Loading />}
        {devices.data && devices.data.items.length === 0 && <p>{i18n.t('No device matches these filters.')}</p>}
        {devices.data && devices.data.items.length > 0 && <ComplianceDeviceTable devices={devices.data.items} />}
        {total > PAGE_SIZE && (
          <div className={styles.pager}>
            <Button small disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              {i18n.t('Previous')}
            </Button>
            <span>{i18n.t('{{from}}–{{to}} of {{total}}', { from: offset + 1, to: Math.min(offset + PAGE_SIZE, total), total })}</span>
            <Button small disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              {i18n.t('Next')}
            </Button>
          </div>
        )}
      </Section>
    </>
  );
}
