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

import { fetchDeviceCompliance } from '../../api/compliance.js';
import type { DeviceCompliance as Compliance } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { FieldList } from '../../components/FieldList.js';
import { formatTime, orDash } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { appStateLabel, issueLabel, PolicyStateTag } from '../compliance/compliance-labels.js';

function flag(value: boolean | null): string {
  if (value === null) return i18n.t('not reported');
  return value ? i18n.t('yes') : i18n.t('no');
}

function policyFields(compliance: Compliance) {
  const policy = compliance.policy;
  return [
    { label: i18n.t('Policy state'), value: <PolicyStateTag state={policy.state} /> },
    { label: i18n.t('Current version'), value: orDash(policy.currentVersion) },
    { label: i18n.t('Fetched version'), value: orDash(policy.fetchedVersion) },
    { label: i18n.t('Applied version'), value: orDash(policy.appliedVersion) },
    { label: i18n.t('Current configuration fetched'), value: formatTime(policy.fetchedAt) },
    { label: i18n.t('Applied at'), value: formatTime(policy.appliedAt) },
    { label: i18n.t('Override revision'), value: `${policy.appliedOverrideRevision ?? 0} / ${policy.overrideRevision}` },
  ];
}

function agentFields(compliance: Compliance) {
  const permissions = compliance.capabilities.permissions;
  return [
    { label: i18n.t('Device owner'), value: flag(compliance.deviceOwner) },
    { label: i18n.t('Agent type'), value: orDash(compliance.capabilities.launcherType) },
    { label: i18n.t('Agent version'), value: orDash(compliance.capabilities.agentVersion) },
    { label: i18n.t('Device admin'), value: flag(permissions?.deviceAdmin ?? null) },
    { label: i18n.t('Draw over other apps'), value: flag(permissions?.drawOverlays ?? null) },
    { label: i18n.t('Screen-lock password'), value: `${orDash(compliance.password.required)} (${compliance.password.reported})` },
  ];
}

/** The device's compliance: policy version, apps against their targets, agent facts and what the agent does not report. */
export function DeviceCompliance({ devicePk, refreshKey }: { devicePk: string; refreshKey: number }) {
  const loaded = useApiData(() => fetchDeviceCompliance(devicePk), [devicePk, refreshKey]);
  const compliance = loaded.data;

  return (
    <Section title={i18n.t('Compliance')} dataTest="device-compliance">
      <ErrorNotice error={loaded.error} title={i18n.t('The compliance could not be loaded')} />
      {compliance && (
        <>
          <p data-test="device-compliance-status">
            {compliance.compliant ? (
              <Tag positive>{i18n.t('Compliant')}</Tag>
            ) : (
              compliance.issues.map((issue) => (
                <Tag key={issue} negative>
                  {issueLabel(issue)}
                </Tag>
              ))
            )}
          </p>
          <FieldList items={policyFields(compliance)} />
          <FieldList items={agentFields(compliance)} />
          <p>
            {i18n.t('Restrictions: {{keys}} ({{reported}})', {
              keys: compliance.restrictions.required.map((entry) => (entry.known ? entry.key : `${entry.key}?`)).join(', ') || '–',
              reported: compliance.restrictions.reported,
            })}
          </p>
          {compliance.restrictions.required.some((entry) => entry.unsupportedByAndroid) && (
            <p>
              {i18n.t('Ignored by this Android version: {{keys}}', {
                keys: compliance.restrictions.required.filter((entry) => entry.unsupportedByAndroid).map((entry) => entry.key).join(', '),
              })}
            </p>
          )}
          {compliance.paidSettings.state !== 'none' && (
            <p>
              {i18n.t('Paid-agent settings not applied by this agent: {{settings}}', {
                settings: compliance.paidSettings.settings.join(', '),
              })}
            </p>
          )}
          {compliance.apps && compliance.apps.length > 0 && (
            <DataTable>
              <DataTableHead>
                <DataTableRow>
                  <DataTableColumnHeader>{i18n.t('Package')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Target')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('Installed')}</DataTableColumnHeader>
                  <DataTableColumnHeader>{i18n.t('State')}</DataTableColumnHeader>
                </DataTableRow>
              </DataTableHead>
              <DataTableBody>
                {compliance.apps.map((app) => (
                  <DataTableRow key={app.packageName}>
                    <DataTableCell>{app.packageName}</DataTableCell>
                    <DataTableCell>
                      {app.action === 'remove' ? i18n.t('remove') : `${orDash(app.targetVersionName)} (${orDash(app.targetVersionCode)})`}
                    </DataTableCell>
                    <DataTableCell>{orDash(app.installedVersionName)}</DataTableCell>
                    <DataTableCell>{appStateLabel(app.state)}</DataTableCell>
                  </DataTableRow>
                ))}
              </DataTableBody>
            </DataTable>
          )}
        </>
      )}
    </Section>
  );
}
