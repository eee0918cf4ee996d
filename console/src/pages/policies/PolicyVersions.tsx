import i18n from '@dhis2/d2-i18n';
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  Tag,
} from '@dhis2/ui';

import { fetchPolicyVersions } from '../../api/policies.js';
import type { Policy } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime, orDash } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { routeHref } from '../../router.js';
import { useApiData } from '../../use-api-data.js';
import styles from './PolicyForm.module.css';

/** Shows the policy's device counts against its current version, and its saved versions. */
export function PolicyVersions({ policy }: { policy: Policy }) {
  const versions = useApiData(() => fetchPolicyVersions(policy.id), [policy.id, policy.version]);
  const complianceLink = routeHref(`/compliance?policyId=${encodeURIComponent(policy.id)}`);

  return (
    <Section title={i18n.t('Versions and devices')} dataTest="policy-versions">
      <div className={styles.countRow} data-test="policy-device-counts">
        <Tag positive>{i18n.t('Applied: {{count}}', { count: policy.devices.applied })}</Tag>
        <Tag neutral>{i18n.t('Pending: {{count}}', { count: policy.devices.pending })}</Tag>
        <Tag>{i18n.t('Never synced: {{count}}', { count: policy.devices.neverFetched })}</Tag>
        <a href={complianceLink}>{i18n.t('Show the devices')}</a>
      </div>
      <p className={styles.help}>
        {i18n.t('A device has applied a version once it fetched that version and sent a report afterwards. Until then it is pending.')}
      </p>
      <ErrorNotice error={versions.error} title={i18n.t('The versions could not be loaded')} />
      {versions.data && (
        <DataTable>
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Version')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Saved')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('By')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Devices running it')}</DataTableColumnHeader>
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {versions.data.map((version) => (
              <DataTableRow key={version.version}>
                <DataTableCell>
                  {version.version} {version.current && <Tag positive>{i18n.t('current')}</Tag>}
                </DataTableCell>
                <DataTableCell>{formatTime(version.createdAt)}</DataTableCell>
                <DataTableCell>{orDash(version.createdBy)}</DataTableCell>
                <DataTableCell>{version.appliedDevices}</DataTableCell>
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}
    </Section>
  );
}
