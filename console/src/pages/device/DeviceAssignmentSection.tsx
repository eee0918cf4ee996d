import i18n from '@dhis2/d2-i18n';
import { Button, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import { assignDevice, fetchDeviceAssignment, fetchDhis2Users, type DeviceAssignment } from '../../api/users.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { FieldList } from '../../components/FieldList.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';

function policySourceText(assignment: DeviceAssignment): string {
  const { policy } = assignment;
  switch (policy.source) {
    case 'device':
      return i18n.t('Set on this device');
    case 'org_unit':
      return i18n.t('Inherited from org unit {{unit}}', { unit: policy.sourceOrgUnit?.name ?? policy.sourceOrgUnit?.id ?? '' });
    case 'enrolment':
      return i18n.t('From the enrolment QR code');
    case 'none':
      return i18n.t('No policy');
  }
}

/** Shows the health worker who carries the phone and the source of its policy. */
export function DeviceAssignmentSection({ devicePk, onChange }: { devicePk: string; onChange: () => void }) {
  const user = useUser();
  const assignment = useApiData(() => fetchDeviceAssignment(devicePk), [devicePk]);
  const unitId = assignment.data?.orgUnit?.id;
  const workers = useApiData(() => fetchDhis2Users(unitId), [unitId]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const save = async (changes: { dhis2UserId?: string | null; policyId?: string | null }) => {
    setSaving(true);
    setError(null);
    try {
      await assignDevice(devicePk, changes);
      setChosen(null);
      assignment.reload();
      onChange();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const data = assignment.data;
  const worker = data?.dhis2User;
  return (
    <Section title={i18n.t('Health worker and policy source')} dataTest="device-assignment">
      <ErrorNotice error={assignment.error ?? error} title={i18n.t('The assignment could not be loaded or saved')} />
      {data && (
        <FieldList
          dataTest="device-assignment-fields"
          items={[
            { label: i18n.t('Org unit'), value: data.orgUnit ? (data.orgUnit.name ?? data.orgUnit.id) : i18n.t('None') },
            {
              label: i18n.t('Health worker'),
              value: worker ? `${worker.displayName ?? worker.uid} (${worker.username ?? i18n.t('not synchronised')})` : i18n.t('Not assigned'),
            },
            { label: i18n.t('Policy in force'), value: data.policy.effective?.name ?? i18n.t('None') },
            { label: i18n.t('Policy comes from'), value: policySourceText(data) },
          ]}
        />
      )}
      {data && hasRole(user, 'operator') && (
        <>
          <SingleSelectField
            label={i18n.t('Assign to DHIS2 user')}
            inputWidth="280px"
            loading={workers.loading}
            selected={chosen ?? worker?.uid ?? undefined}
            placeholder={i18n.t('Choose a health worker')}
            onChange={({ selected }) => setChosen(selected)}
            filterable
            noMatchText={i18n.t('No user matches')}
            dataTest="assign-worker"
          >
            {(workers.data ?? []).map((choice) => (
              <SingleSelectOption key={choice.uid} value={choice.uid} label={`${choice.displayName} (${choice.username})`} />
            ))}
          </SingleSelectField>
          <Button small primary disabled={chosen === null} loading={saving} onClick={() => void save({ dhis2UserId: chosen })} dataTest="assign-worker-save">
            {i18n.t('Assign')}
          </Button>
          {worker && (
            <Button small onClick={() => void save({ dhis2UserId: null })}>
              {i18n.t('Remove assignment')}
            </Button>
          )}
          {data.policy.source === 'device' && (
            <Button small onClick={() => void save({ policyId: null })} dataTest="use-inherited-policy">
              {i18n.t('Use the inherited policy')}
            </Button>
          )}
        </>
      )}
    </Section>
  );
}
