import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  InputField,
  SingleSelectField,
  SingleSelectOption,
} from '@dhis2/ui';
import { useState } from 'react';

import { createPin, deletePin, fetchPins, type Pin, type Scope } from '../../api/rollouts.js';
import type { App, OrgUnit, Policy } from '../../api/types.js';
import { ConfirmModal } from '../../components/ConfirmModal.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { resolveDeviceIds } from './resolve-devices.js';
import styles from './Rollouts.module.css';
import { EMPTY_SCOPE_DRAFT, parseDeviceIds, ScopeFields, type ScopeDraft } from './ScopeFields.js';

interface Props {
  apps: App[];
  policies: Policy[];
  orgUnits: OrgUnit[];
  canEdit: boolean;
}

function scopeText(scope: Scope, policies: Policy[], orgUnits: OrgUnit[]): string {
  const parts: string[] = [];
  if (scope.policyIds.length > 0) {
    const names = scope.policyIds.map((id) => policies.find((policy) => policy.id === id)?.name ?? id);
    parts.push(i18n.t('policies: {{names}}', { names: names.join(', ') }));
  }
  if (scope.orgUnitIds.length > 0) {
    const names = scope.orgUnitIds.map((id) => orgUnits.find((orgUnit) => orgUnit.id === id)?.name ?? id);
    parts.push(i18n.t('org units: {{names}}', { names: names.join(', ') }));
  }
  if (scope.deviceIds.length > 0) parts.push(i18n.t('devices: {{count}}', { count: scope.deviceIds.length }));
  return parts.length === 0 ? i18n.t('All devices') : parts.join('; ');
}

/** Pins that cap the version devices are offered: list, create and delete. */
export function PinsSection({ apps, policies, orgUnits, canEdit }: Props) {
  const pins = useApiData(fetchPins, []);
  const [packageName, setPackageName] = useState('');
  const [maxVersionCode, setMaxVersionCode] = useState('');
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState<ScopeDraft>(EMPTY_SCOPE_DRAFT);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<Pin | null>(null);

  const app = apps.find((candidate) => candidate.packageName === packageName);
  const canSave = app !== undefined && maxVersionCode !== '' && !saving;

  const save = async () => {
    if (!app) return;
    setSaving(true);
    setError(null);
    try {
      const deviceIds = await resolveDeviceIds(parseDeviceIds(scope.pilotText));
      await createPin({
        packageName: app.packageName,
        maxVersionCode: Number(maxVersionCode),
        scope: { policyIds: scope.policyIds, orgUnitIds: scope.orgUnitIds, deviceIds },
        reason: reason.trim() || undefined,
      });
      setMaxVersionCode('');
      setReason('');
      setScope(EMPTY_SCOPE_DRAFT);
      pins.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const remove = async (pin: Pin) => {
    setDeleting(null);
    setError(null);
    try {
      await deletePin(pin.id);
      pins.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <Section title={i18n.t('Pins')} dataTest="pins">
      <p className={styles.help}>
        {i18n.t('A pin caps the version devices in its scope are offered. Devices that already run a higher version keep it.')}
      </p>
      <ErrorNotice error={pins.error} title={i18n.t('The pins could not be loaded')} />
      {pins.data && pins.data.length === 0 && <p className={styles.muted}>{i18n.t('No pins.')}</p>}
      {pins.data && pins.data.length > 0 && (
        <DataTable dataTest="pin-table">
          <DataTableHead>
            <DataTableRow>
              <DataTableColumnHeader>{i18n.t('Package')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Highest versionCode')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Scope')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Reason')}</DataTableColumnHeader>
              <DataTableColumnHeader>{i18n.t('Created')}</DataTableColumnHeader>
              {canEdit && <DataTableColumnHeader />}
            </DataTableRow>
          </DataTableHead>
          <DataTableBody>
            {pins.data.map((pin) => (
              <DataTableRow key={pin.id} dataTest="pin-row">
                <DataTableCell>{pin.packageName}</DataTableCell>
                <DataTableCell>{pin.maxVersionCode}</DataTableCell>
                <DataTableCell>{scopeText(pin.scope, policies, orgUnits)}</DataTableCell>
                <DataTableCell>{pin.reason ?? '–'}</DataTableCell>
                <DataTableCell>
                  {i18n.t('{{time}} by {{user}}', { time: formatTime(pin.createdAt), user: pin.createdBy ?? '–' })}
                </DataTableCell>
                {canEdit && (
                  <DataTableCell>
                    <Button small destructive onClick={() => setDeleting(pin)} dataTest="pin-delete">
                      {i18n.t('Delete')}
                    </Button>
                  </DataTableCell>
                )}
              </DataTableRow>
            ))}
          </DataTableBody>
        </DataTable>
      )}

      {canEdit && (
        <>
          <h3 className={styles.subheading}>{i18n.t('New pin')}</h3>
          <div className={styles.fields}>
            <SingleSelectField
              label={i18n.t('Package')}
              selected={packageName}
              onChange={({ selected }) => {
                setPackageName(selected);
                setMaxVersionCode('');
              }}
              dataTest="pin-package"
            >
              {apps.map((candidate) => (
                <SingleSelectOption key={candidate.id} value={candidate.packageName} label={candidate.packageName} />
              ))}
            </SingleSelectField>
            {app && (
              <SingleSelectField
                label={i18n.t('Highest version offered')}
                selected={maxVersionCode}
                onChange={({ selected }) => setMaxVersionCode(selected)}
                dataTest="pin-version"
              >
                {app.versions.map((version) => (
                  <SingleSelectOption
                    key={version.id}
                    value={String(version.versionCode)}
                    label={i18n.t('{{versionName}} (versionCode {{versionCode}})', {
                      versionName: version.versionName ?? '–',
                      versionCode: version.versionCode,
                    })}
                  />
                ))}
              </SingleSelectField>
            )}
            <ScopeFields
              value={scope}
              onChange={setScope}
              policies={policies}
              orgUnits={orgUnits}
              deviceIdsLabel={i18n.t('Devices')}
              dataTestPrefix="pin-scope"
            />
            <InputField
              label={i18n.t('Reason (optional)')}
              value={reason}
              onChange={({ value }) => setReason(value ?? '')}
              dataTest="pin-reason"
            />
          </div>
          <div className={styles.actions}>
            <Button primary disabled={!canSave} loading={saving} onClick={() => void save()} dataTest="pin-create">
              {i18n.t('Create pin')}
            </Button>
          </div>
          <ErrorNotice error={error} title={i18n.t('The pin was not saved')} />
        </>
      )}

      {deleting && (
        <ConfirmModal
          title={i18n.t('Delete this pin?')}
          confirmLabel={i18n.t('Delete')}
          onCancel={() => setDeleting(null)}
          onConfirm={() => void remove(deleting)}
        >
          {i18n.t('Devices in its scope can then be offered versions of {{packageName}} above versionCode {{versionCode}}.', {
            packageName: deleting.packageName,
            versionCode: deleting.maxVersionCode,
          })}
        </ConfirmModal>
      )}
    </Section>
  );
}
