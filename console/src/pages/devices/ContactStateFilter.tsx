import i18n from '@dhis2/d2-i18n';
import { SingleSelectField, SingleSelectOption } from '@dhis2/ui';

import type { DeviceStatus } from '../../api/types.js';

// The select needs a non-empty value for "all"; it maps to ''.
const ALL = 'all';

/** Device list filter on contact state: all, online, late, offline or never contacted. */
export function ContactStateFilter({ value, onChange }: { value: DeviceStatus | ''; onChange: (state: DeviceStatus | '') => void }) {
  return (
    <SingleSelectField
      dense
      inputWidth="200px"
      placeholder={i18n.t('Contact state')}
      selected={value === '' ? ALL : value}
      onChange={({ selected }) => onChange(selected === ALL ? '' : (selected as DeviceStatus))}
      dataTest="device-contact-filter"
    >
      <SingleSelectOption value={ALL} label={i18n.t('All contact states')} />
      <SingleSelectOption value="online" label={i18n.t('Online')} />
      <SingleSelectOption value="late" label={i18n.t('Late')} />
      <SingleSelectOption value="offline" label={i18n.t('Offline')} />
      <SingleSelectOption value="never" label={i18n.t('Never contacted')} />
    </SingleSelectField>
  );
}
