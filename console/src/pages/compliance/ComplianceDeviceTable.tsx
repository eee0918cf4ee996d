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

import type { DeviceCompliance } from '../../api/types.js';
import { formatTime, orDash } from '../../components/format.js';
import { routeHref } from '../../router.js';
import { issueLabel, PolicyStateTag } from './compliance-labels.js';
import styles from './Compliance.module.css';

function versionText(device: DeviceCompliance): string {
  const { appliedVersion, currentVersion } = device.policy;
  if (currentVersion === null) return '–';
  return i18n.t('{{applied}} of {{current}}', { applied: appliedVersion ?? '–', current: currentVersion });
}

/** Devices with their policy state and issues, each linking to its device page. */
export function ComplianceDeviceTable({ devices }: { devices: DeviceCompliance[] }) {
  return (
    <DataTable dataTest="compliance-table">
      <DataTableHead>
        <DataTableRow>
          <DataTableColumnHeader>{i18n.t('Device')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Model')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Policy')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Version applied')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Policy state')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Issues')}</DataTableColumnHeader>
          <DataTableColumnHeader>{i18n.t('Last contact')}</DataTableColumnHeader>
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {devices.map((device) => (
          <DataTableRow key={device.devicePk} dataTest="compliance-row">
            <DataTableCell>
              <a href={routeHref(`/devices/${encodeURIComponent(device.devicePk)}`)}>{device.deviceId}</a>
            </DataTableCell>
            <DataTableCell>{orDash(device.model)}</DataTableCell>
            <DataTableCell>{orDash(device.policy.policyName)}</DataTableCell>
            <DataTableCell>{versionText(device)}</DataTableCell>
            <DataTableCell>
              <PolicyStateTag state={device.policy.state} />
            </DataTableCell>
            <DataTableCell>
              <div className={styles.issues}>
                {device.issues.length === 0 && <Tag positive>{i18n.t('Compliant')}</Tag>}
                {device.issues.map((issue) => (
                  <Tag key={issue} negative>
                    {issueLabel(issue)}
                  </Tag>
                ))}
              </div>
            </DataTableCell>
            <DataTableCell>{formatTime(device.lastContactAt)}</DataTableCell>
          </DataTableRow>
        ))}
      </DataTableBody>
    </DataTable>
  );
}
