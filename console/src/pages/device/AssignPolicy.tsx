import i18n from '@dhis2/d2-i18n';
import { Button, NoticeBox, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import { updateDevice } from '../../api/devices.js';
import { fetchPolicies } from '../../api/policies.js';
import type { DeviceDetail, OrgUnit } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';
import { useApiData, type ApiData } from '../../use-api-data.js';
import styles from './AssignPolicy.module.css';

interface Props {
  device: DeviceDetail;
  /** Loaded by the page, which also shows the unit's name in the inventory. */
  orgUnits: ApiData<OrgUnit[]>;
  onSaved: (device: DeviceDetail) => void;
}

/** Chooses the device's policy and organisation unit (operators and admins). */
export function AssignPolicy({ device, orgUnits, onSaved }: Props) {
  const policies = useApiData(fetchPolicies, []);
  const [policyId, setPolicyId] = useState(device.policyId ?? '');
  const [orgUnitId, setOrgUnitId] = useState(device.orgUnitId ?? '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const policyChanged = policyId !== '' && policyId !== device.policyId;
  const orgUnitChanged = orgUnitId !== '' && orgUnitId !== device.orgUnitId;

  const save = async () => {
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await updateDevice(device.id, {
        policyId: policyChanged ? policyId : undefined,
        orgUnitId: orgUnitChanged ? orgUnitId : undefined,
      });
      setSaved(true);
      onSaved(updated);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Section title={i18n.t('Policy and organisation unit')} dataTest="device-assign">
      <div className={styles.row}>
        <SingleSelectField
          label={i18n.t('Policy')}
          inputWidth="280px"
          loading={policies.loading}
          selected={policies.data ? policyId : undefined}
          placeholder={i18n.t('Choose a policy')}
          onChange={({ selected }) => setPolicyId(selected)}
          dataTest="assign-policy"
        >
          {(policies.data ?? []).map((policy) => (
            <SingleSelectOption key={policy.id} value={policy.id} label={policy.name} />
          ))}
        </SingleSelectField>
        <SingleSelectField
          label={i18n.t('Organisation unit')}
          inputWidth="280px"
          loading={orgUnits.loading}
          selected={orgUnits.data ? orgUnitId : undefined}
          placeholder={i18n.t('Choose an organisation unit')}
          onChange={({ selected }) => setOrgUnitId(selected)}
          dataTest="assign-org-unit"
        >
          {(orgUnits.data ?? []).map((unit) => (
            <SingleSelectOption key={unit.id} value={unit.id} label={unit.name} />
          ))}
        </SingleSelectField>
        <Button
          primary
          onClick={save}
          loading={saving}
          disabled={!policyChanged && !orgUnitChanged}
          dataTest="assign-save"
        >
          {i18n.t('Save')}
        </Button>
      </div>
      <ErrorNotice error={policies.error ?? orgUnits.error} title={i18n.t('The choices could not be loaded')} />
      <ErrorNotice error={error} title={i18n.t('The device was not updated')} />
      {saved && (
        <NoticeBox valid title={i18n.t('Saved')} dataTest="assign-saved">
          {i18n.t('The device gets the new settings at its next sync.')}
        </NoticeBox>
      )}
    </Section>
  );
}
