import i18n from '@dhis2/d2-i18n';
import { Button, DataTable, DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import { fetchOrgUnits } from '../../api/org-units.js';
import { fetchPolicies } from '../../api/policies.js';
import { fetchOrgUnitPolicies, setOrgUnitPolicy } from '../../api/users.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { OrgUnitTreePicker } from '../users/OrgUnitTreePicker.js';
import styles from '../users/Users.module.css';

/** Policies given to org units: the closest unit above a phone decides, unless the phone has its own policy. */
export function OrgUnitPolicies() {
  const assignments = useApiData(fetchOrgUnitPolicies, []);
  const units = useApiData(fetchOrgUnits, []);
  const policies = useApiData(fetchPolicies, []);
  const [unitIds, setUnitIds] = useState<string[]>([]);
  const [policyId, setPolicyId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  const apply = async (orgUnitId: string, policy: string | null) => {
    setError(null);
    setMessage(null);
    try {
      const result = await setOrgUnitPolicy(orgUnitId, policy);
      setMessage(i18n.t('{{count}} devices got a different policy.', { count: result.devicesChanged }));
      assignments.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <Section title={i18n.t('Policies by org unit')} dataTest="org-unit-policies">
      <p>
        {i18n.t(
          'A policy given to an org unit applies to the phones of that unit and every unit below it. The closest unit wins, and a policy set on a phone itself wins over both.',
        )}
      </p>
      <ErrorNotice error={assignments.error ?? error} title={i18n.t('The policies by org unit could not be changed')} />
      {message && <p data-test="org-unit-policy-result">{message}</p>}
      {assignments.data && assignments.data.length > 0 && (
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Org unit')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Policy')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Actions')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {assignments.data.map((row) => (
              <DataTableRow key={row.orgUnitId} dataTest="org-unit-policy-row">
                <DataTableCell>{row.orgUnitName ?? row.orgUnitId}</DataTableCell>
                <DataTableCell>{row.policyName ?? row.policyId}</DataTableCell>
                <DataTableCell>
                  <Button small onClick={() => void apply(row.orgUnitId, null)}>
                    {i18n.t('Remove')}
                  </Button>
                </DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
      <div className={styles.treeBox}>
        <OrgUnitTreePicker units={units.data ?? []} selected={unitIds} onChange={setUnitIds} single dataTest="policy-unit-tree" />
      </div>
      <SingleSelectField
        label={i18n.t('Policy')}
        selected={policyId || undefined}
        onChange={({ selected }) => setPolicyId(selected)}
        inputWidth="260px"
        dataTest="org-unit-policy-select"
      >
        {(policies.data ?? []).map((policy) => (
          <SingleSelectOption key={policy.id} value={policy.id} label={policy.name} />
        ))}
      </SingleSelectField>
      <Button primary disabled={unitIds.length !== 1 || policyId === ''} onClick={() => void apply(unitIds[0]!, policyId)} dataTest="org-unit-policy-save">
        {i18n.t('Give the unit this policy')}
      </Button>
    </Section>
  );
}
