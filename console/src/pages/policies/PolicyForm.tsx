import i18n from '@dhis2/d2-i18n';
import { Button, InputField, NoticeBox, TextAreaField } from '@dhis2/ui';
import { useState, type FormEvent } from 'react';

import { createPolicy, updatePolicy } from '../../api/policies.js';
import type { App, Policy } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';
import { navigate } from '../../router.js';
import { hasRole, useUser } from '../../session.js';
import { formFromPolicy, formProblem, policyInput, type FormProblem, type PolicyFormState } from './policy-form.js';
import { PolicyAppsEditor } from './PolicyAppsEditor.js';
import { PolicySettingsFields } from './PolicySettingsFields.js';
import { RestrictionSwitches } from './RestrictionSwitches.js';
import styles from './PolicyForm.module.css';

function problemText(problem: FormProblem): string {
  switch (problem) {
    case 'nameMissing':
      return i18n.t('Enter a name for the policy.');
    case 'updateWindowHalf':
      return i18n.t('Enter both ends of the app update window, or neither.');
    case 'appPackageMissing':
      return i18n.t('Choose an app in every app row, or remove the empty row.');
    case 'appVersionMissing':
      return i18n.t('Choose a version for every app the policy installs.');
  }
}

/** Policy fields; saving creates the policy or stores a new version of it. */
export function PolicyForm({ policy, catalogue }: { policy: Policy | null; catalogue: App[] }) {
  const user = useUser();
  const readOnly = !hasRole(user, 'admin');
  const [form, setForm] = useState<PolicyFormState>(() => formFromPolicy(policy));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [showProblem, setShowProblem] = useState(false);

  const problem = formProblem(form);
  const change = (update: Partial<PolicyFormState>) => setForm((current) => ({ ...current, ...update }));

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
      await (policy ? updatePolicy(policy.id, input) : createPolicy(input));
      navigate('/policies');
    } catch (failure) {
      setError(failure);
      setSaving(false);
    }
  };

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
              helpText={
                form.settings.adminPasswordMd5
                  ? i18n.t('A password is set. Enter a new one to replace it.')
                  : i18n.t('Not set: the agent keeps its built-in default. Set one before enrolling phones.')
              }
              value={form.adminPassword}
              onChange={({ value }) => change({ adminPassword: value ?? '' })}
              dataTest="policy-admin-password"
            />
          </div>
          <TextAreaField
            label={i18n.t('Description')}
            rows={2}
            value={form.description}
            onChange={({ value }) => change({ description: value ?? '' })}
            dataTest="policy-description"
          />
        </Section>
        <Section title={i18n.t('Device settings')}>
          <PolicySettingsFields
            settings={form.settings}
            onChange={(settings) => change({ settings: { ...form.settings, ...settings } })}
          />
        </Section>
        <Section title={i18n.t('Restrictions')}>
          <RestrictionSwitches
            restrictions={form.settings.restrictions}
            onChange={(restrictions) => change({ settings: { ...form.settings, restrictions } })}
          />
        </Section>
        <Section title={i18n.t('Apps')}>
          <PolicyAppsEditor rows={form.apps} catalogue={catalogue} onChange={(apps) => change({ apps })} />
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
