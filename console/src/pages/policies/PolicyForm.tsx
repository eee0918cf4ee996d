import i18n from '@dhis2/d2-i18n';
import { Button, CheckboxField, InputField, NoticeBox, TextAreaField } from '@dhis2/ui';
import { useState, type FormEvent } from 'react';

import { createPolicy, updatePolicy } from '../../api/policies.js';
import type { App, Policy, PolicySettings, RestrictionInfo } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';
import { navigate } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { AgentFields } from './AgentFields.js';
import { DisplayFields } from './DisplayFields.js';
import { PaidAgentFields } from './PaidAgentFields.js';
import { formFromPolicy, formProblem, policyInput, type FormProblem, type PolicyFormState } from './policy-form.js';
import { PolicyAppsEditor } from './PolicyAppsEditor.js';
import { RestrictionSwitches } from './RestrictionSwitches.js';
import { SecurityFields } from './SecurityFields.js';
import { UpdateFields } from './UpdateFields.js';
import styles from './PolicyForm.module.css';

function problemText(problem: FormProblem): string {
  switch (problem) {
    case 'nameMissing':
      return i18n.t('Enter a name for the policy.');
    case 'updateWindowHalf':
      return i18n.t('Enter both ends of the app update window, or neither.');
    case 'updateWindowEmpty':
      return i18n.t('An update window must end at another time than it starts.');
    case 'systemWindowMissing':
      return i18n.t('Enter both ends of the OS update window, or choose another OS update type.');
    case 'kioskAppMissing':
      return i18n.t('Enter the package of the kiosk app, or turn kiosk mode off.');
    case 'appPackageMissing':
      return i18n.t('Choose an app in every app row, or remove the empty row.');
    case 'appVersionMissing':
      return i18n.t('Choose a version for every app the policy installs.');
  }
}

interface Props {
  policy: Policy | null;
  defaults: PolicySettings;
  catalogue: App[];
  restrictions: RestrictionInfo[];
}

/** Policy fields; saving creates the policy or stores a new version of it. */
export function PolicyForm({ policy, defaults, catalogue, restrictions }: Props) {
  const user = useUser();
  const readOnly = !hasRole(user, 'admin');
  const [form, setForm] = useState<PolicyFormState>(() => formFromPolicy(policy, defaults));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [showProblem, setShowProblem] = useState(false);

  const problem = formProblem(form);
  const change = (update: Partial<PolicyFormState>) => setForm((current) => ({ ...current, ...update }));
  const changeSettings = (settings: Partial<PolicySettings>) =>
    setForm((current) => ({ ...current, settings: { ...current.settings, ...settings } }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem) {
      setShowProblem(true);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const input = policyInput(form);
      await (policy ? updatePolicy(policy.id, { ...input, expectedVersion: policy.version }) : createPolicy(input));
      navigate('/policies');
    } catch (failure) {
      setError(failure);
      setSaving(false);
    }
  };

  const passwordHelp = policy?.adminPasswordSet
    ? i18n.t('A password is set. Enter a new one to replace it.')
    : i18n.t('Not set: the agent keeps its built-in default. Set one before enrolling phones.');
  const fieldProps = { settings: form.settings, onChange: changeSettings };

  return (
    <form onSubmit={submit} data-test="policy-form">
      {readOnly && (
        <NoticeBox title={i18n.t('Read only')}>{i18n.t('Only admins can change policies.')}</NoticeBox>
      )}
      <fieldset disabled={readOnly} className={styles.fieldset}>
        <Section title={i18n.t('General')}>
          <div className={styles.grid}>
            <InputField
              label={i18n.t('Name')}
              inputWidth="320px"
              required
              value={form.name}
              onChange={({ value }) => change({ name: value ?? '' })}
              dataTest="policy-name"
            />
            <InputField
              label={i18n.t('Admin-panel password on the phone')}
              type="password"
              autoComplete="new-password"
              inputWidth="260px"
              helpText={passwordHelp}
              value={form.adminPassword}
              onChange={({ value }) => change({ adminPassword: value ?? '' })}
              dataTest="policy-admin-password"
            />
            {policy?.adminPasswordSet && (
              <CheckboxField
                label={i18n.t('Remove the password')}
                checked={form.clearAdminPassword}
                disabled={form.adminPassword !== ''}
                onChange={({ checked }) => change({ clearAdminPassword: checked })}
                dataTest="policy-clear-password"
              />
            )}
          </div>
          <TextAreaField
            label={i18n.t('Description')}
            rows={2}
            value={form.description}
            onChange={({ value }) => change({ description: value ?? '' })}
            dataTest="policy-description"
          />
        </Section>
        <Section title={i18n.t('Apps')}>
          <PolicyAppsEditor rows={form.apps} catalogue={catalogue} onChange={(apps) => change({ apps })} />
        </Section>
        <Section title={i18n.t('Restrictions')} dataTest="policy-restrictions">
          <RestrictionSwitches
            catalogue={restrictions}
            restrictions={form.settings.restrictions}
            extraRestrictions={form.settings.extraRestrictions}
            onChange={changeSettings}
          />
        </Section>
        <Section title={i18n.t('Security, radios and location')}>
          <SecurityFields {...fieldProps} />
        </Section>
        <Section title={i18n.t('Screen, sound and time')}>
          <DisplayFields {...fieldProps} />
        </Section>
        <Section title={i18n.t('Updates and downloads')}>
          <UpdateFields {...fieldProps} />
        </Section>
        <Section title={i18n.t('Agent')}>
          <AgentFields {...fieldProps} />
        </Section>
        <Section title={i18n.t('Kiosk (paid agent only)')}>
          <PaidAgentFields {...fieldProps} />
        </Section>
      </fieldset>
      {showProblem && problem && (
        <NoticeBox warning title={i18n.t('The policy is not complete')}>
          {problemText(problem)}
        </NoticeBox>
      )}
      <ErrorNotice error={error} title={i18n.t('The policy was not saved')} />
      <div className={styles.actions}>
        <Button type="submit" primary loading={saving} disabled={readOnly} dataTest="policy-save">
          {policy ? i18n.t('Save as a new version') : i18n.t('Create policy')}
        </Button>
        <Button secondary onClick={() => navigate('/policies')}>
          {i18n.t('Cancel')}
        </Button>
      </div>
    </form>
  );
}
