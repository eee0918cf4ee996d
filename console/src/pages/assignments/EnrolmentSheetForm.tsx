import i18n from '@dhis2/d2-i18n';
import { Button, Checkbox, InputField, Radio, SingleSelectField, SingleSelectOption } from '@dhis2/ui';
import { useState } from 'react';

import { fetchOrgUnits } from '../../api/org-units.js';
import { fetchPolicies } from '../../api/policies.js';
import { createEnrolmentSheet } from '../../api/users.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import { OrgUnitTreePicker } from '../users/OrgUnitTreePicker.js';
import styles from '../users/Users.module.css';

/**
 * Prints one enrolment QR code per health worker of an org unit, or a number
 * of blank slots. Every QR is a single-use token bound to the unit, the
 * policy and, for named slots, the DHIS2 user.
 */
export function EnrolmentSheetForm() {
  const units = useApiData(fetchOrgUnits, []);
  const policies = useApiData(fetchPolicies, []);
  const [unitIds, setUnitIds] = useState<string[]>([]);
  const [policyId, setPolicyId] = useState('');
  const [source, setSource] = useState<'users' | 'blank'>('users');
  const [includeSubunits, setIncludeSubunits] = useState(false);
  const [count, setCount] = useState('10');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const open = async () => {
    setBusy(true);
    setError(null);
    // The window opens before the request, so pop-up blockers let it through.
    const sheetWindow = window.open('', '_blank');
    try {
      const html = await createEnrolmentSheet({
        orgUnitId: unitIds[0]!,
        policyId,
        source,
        ...(source === 'users' && { includeSubunits }),
        ...(source === 'blank' && { count: Number(count) }),
      });
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      if (sheetWindow) sheetWindow.location.href = url;
      else window.location.href = url;
    } catch (failure) {
      sheetWindow?.close();
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={i18n.t('Printable enrolment sheet')} dataTest="enrolment-sheet">
      <p>
        {i18n.t(
          'For a training session: one QR code per phone, each naming its health worker. Print the sheet on A4 and scan each code on a phone at first start.',
        )}
      </p>
      <div className={styles.treeBox}>
        <OrgUnitTreePicker units={units.data ?? []} selected={unitIds} onChange={setUnitIds} single dataTest="sheet-unit-tree" />
      </div>
      <SingleSelectField
        label={i18n.t('Policy')}
        selected={policyId || undefined}
        onChange={({ selected }) => setPolicyId(selected)}
        inputWidth="260px"
        dataTest="sheet-policy"
      >
        {(policies.data ?? []).map((policy) => (
          <SingleSelectOption key={policy.id} value={policy.id} label={policy.name} />
        ))}
      </SingleSelectField>
      <Radio label={i18n.t('One QR code per DHIS2 user of the unit')} checked={source === 'users'} onChange={() => setSource('users')} name="sheet-source" value="users" />
      {source === 'users' && (
        <Checkbox
          label={i18n.t('Also the users of the units below; each QR code enrols into the unit of its user')}
          checked={includeSubunits}
          onChange={({ checked }) => setIncludeSubunits(checked)}
          dataTest="sheet-include-subunits"
        />
      )}
      <Radio
        label={i18n.t('Blank numbered slots')}
        checked={source === 'blank'}
        onChange={() => setSource('blank')}
        name="sheet-source"
        value="blank"
        dataTest="sheet-source-blank"
      />
      {source === 'blank' && (
        <InputField
          label={i18n.t('Number of phones')}
          type="number"
          min="1"
          value={count}
          onChange={({ value }) => setCount(value ?? '')}
          inputWidth="120px"
          dataTest="sheet-count"
        />
      )}
      <ErrorNotice error={error} title={i18n.t('The sheet could not be made')} />
      <Button primary loading={busy} disabled={unitIds.length !== 1 || policyId === ''} onClick={() => void open()} dataTest="sheet-open">
        {i18n.t('Open printable sheet')}
      </Button>
    </Section>
  );
}
