import i18n from '@dhis2/d2-i18n';
import { MultiSelectField, MultiSelectOption, TextAreaField } from '@dhis2/ui';

import type { OrgUnit, Policy } from '../../api/types.js';

export interface ScopeDraft {
  policyIds: string[];
  orgUnitIds: string[];
  /** Agent device ids as typed, separated by commas, spaces or new lines. */
  pilotText: string;
}

export const EMPTY_SCOPE_DRAFT: ScopeDraft = { policyIds: [], orgUnitIds: [], pilotText: '' };

/** Splits the typed agent device ids into a list without repeats. */
export function parseDeviceIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter((id) => id !== ''))];
}

interface Props {
  value: ScopeDraft;
  onChange: (value: ScopeDraft) => void;
  policies: Policy[];
  orgUnits: OrgUnit[];
  /** Label of the device id field, which a rollout calls pilot devices. */
  deviceIdsLabel: string;
  deviceIdsError?: string;
  dataTestPrefix: string;
}

/** Policy, org unit and device filters of a rollout or pin scope. */
export function ScopeFields({ value, onChange, policies, orgUnits, deviceIdsLabel, deviceIdsError, dataTestPrefix }: Props) {
  return (
    <>
      <MultiSelectField
        label={i18n.t('Policies')}
        helpText={i18n.t('Only devices on one of these policies. None selected: every policy.')}
        selected={value.policyIds}
        onChange={({ selected }) => onChange({ ...value, policyIds: selected })}
        filterable
        dataTest={`${dataTestPrefix}-policies`}
      >
        {policies.map((policy) => (
          <MultiSelectOption key={policy.id} value={policy.id} label={policy.name} />
        ))}
      </MultiSelectField>
      <MultiSelectField
        label={i18n.t('Org units')}
        helpText={i18n.t('Only devices in these org units or below them. None selected: every org unit.')}
        selected={value.orgUnitIds}
        onChange={({ selected }) => onChange({ ...value, orgUnitIds: selected })}
        filterable
        dataTest={`${dataTestPrefix}-org-units`}
      >
        {orgUnits.map((orgUnit) => (
          <MultiSelectOption key={orgUnit.id} value={orgUnit.id} label={orgUnit.name} />
        ))}
      </MultiSelectField>
      <TextAreaField
        label={deviceIdsLabel}
        helpText={i18n.t('Agent device ids, separated by commas or new lines. Listed devices are always in scope.')}
        value={value.pilotText}
        onChange={({ value: text }) => onChange({ ...value, pilotText: text ?? '' })}
        error={Boolean(deviceIdsError)}
        validationText={deviceIdsError}
        rows={3}
        dataTest={`${dataTestPrefix}-devices`}
      />
    </>
  );
}
