import i18n from '@dhis2/d2-i18n';
import { SingleSelectField, SingleSelectOption } from '@dhis2/ui';

import { fetchOrgUnits } from '../../api/org-units.js';
import { fetchDhis2Users } from '../../api/users.js';
import { useApiData } from '../../use-api-data.js';

// The selects need a non-empty value for "all"; it maps to ''.
const ALL = 'all';

export interface AssignmentFilterValue {
  /** Only devices in this unit's subtree; '' for all. */
  orgUnitId: string;
  /** Only devices assigned to this DHIS2 user uid; '' for all. */
  dhis2UserId: string;
}

/** Device list filters on org unit (with the units below it) and on health worker. */
export function AssignmentFilters({ value, onChange }: { value: AssignmentFilterValue; onChange: (value: AssignmentFilterValue) => void }) {
  const units = useApiData(fetchOrgUnits, []);
  const workers = useApiData(() => fetchDhis2Users(value.orgUnitId || undefined), [value.orgUnitId]);
  const sortedUnits = [...(units.data ?? [])].sort((a, b) => (a.path ?? a.name).localeCompare(b.path ?? b.name));

  return (
    <>
      <SingleSelectField
        dense
        filterable
        noMatchText={i18n.t('No unit matches')}
        inputWidth="220px"
        placeholder={i18n.t('Org unit')}
        selected={value.orgUnitId === '' ? ALL : value.orgUnitId}
        onChange={({ selected }) => onChange({ orgUnitId: selected === ALL ? '' : selected, dhis2UserId: '' })}
        dataTest="device-unit-filter"
      >
        <SingleSelectOption value={ALL} label={i18n.t('All org units')} />
        {sortedUnits.map((unit) => (
          <SingleSelectOption key={unit.id} value={unit.id} label={`${'· '.repeat(Math.max(0, (unit.level ?? 1) - 1))}${unit.name}`} />
        ))}
      </SingleSelectField>
      <SingleSelectField
        dense
        filterable
        noMatchText={i18n.t('No user matches')}
        inputWidth="220px"
        placeholder={i18n.t('Health worker')}
        selected={value.dhis2UserId === '' ? ALL : value.dhis2UserId}
        onChange={({ selected }) => onChange({ ...value, dhis2UserId: selected === ALL ? '' : selected })}
        dataTest="device-worker-filter"
      >
        <SingleSelectOption value={ALL} label={i18n.t('All health workers')} />
        {(workers.data ?? []).map((worker) => (
          <SingleSelectOption key={worker.uid} value={worker.uid} label={`${worker.displayName} (${worker.username})`} />
        ))}
      </SingleSelectField>
    </>
  );
}
