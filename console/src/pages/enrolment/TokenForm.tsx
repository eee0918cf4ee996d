import i18n from '@dhis2/d2-i18n';
import { Button, InputField, SingleSelectField, SingleSelectOption, Switch } from '@dhis2/ui';
import { useState, type FormEvent } from 'react';

import { createToken } from '../../api/enrolment.js';
import { fetchOrgUnits } from '../../api/org-units.js';
import { fetchPolicies } from '../../api/policies.js';
import { fetchDhis2Users } from '../../api/users.js';
import type { DeviceIdSource, EnrolmentToken, WifiSecurity } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import styles from './Enrolment.module.css';
import { emptyTokenForm, tokenInput, type TokenFormState } from './token-form.js';

const WIFI_SECURITY_TYPES: WifiSecurity[] = ['WPA', 'WEP', 'EAP', 'NONE'];
// Value of the device-id select meaning "let the server choose".
const SERVER_CHOOSES = 'server';

/** Form that creates an enrolment token and its QR code. */
export function TokenForm({ onCreated }: { onCreated: (token: EnrolmentToken) => void }) {
  const policies = useApiData(fetchPolicies, []);
  const orgUnits = useApiData(fetchOrgUnits, []);
  const [form, setForm] = useState<TokenFormState>(emptyTokenForm);
  const workers = useApiData(() => fetchDhis2Users(form.orgUnitId || undefined), [form.orgUnitId]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const change = (update: Partial<TokenFormState>) => setForm((current) => ({ ...current, ...update }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      onCreated(await createToken(tokenInput(form)));
      setForm(emptyTokenForm());
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  const text = (key: keyof TokenFormState) => ({
    value: String(form[key]),
    onChange: ({ value }: { value?: string }) => change({ [key]: value ?? '' }),
  });

  return (
    <Section title={i18n.t('Create an enrolment QR code')} dataTest="token-form">
      <form onSubmit={submit}>
        <div className={styles.row}>
          <SingleSelectField
            label={i18n.t('Policy')}
            required
            inputWidth="260px"
            loading={policies.loading}
            selected={form.policyId || undefined}
            placeholder={i18n.t('Choose a policy')}
            onChange={({ selected }) => change({ policyId: selected })}
            dataTest="token-policy"
          >
            {(policies.data ?? []).map((policy) => (
              <SingleSelectOption key={policy.id} value={policy.id} label={policy.name} />
            ))}
          </SingleSelectField>
          <SingleSelectField
            label={i18n.t('Organisation unit (optional)')}
            inputWidth="260px"
            loading={orgUnits.loading}
            selected={form.orgUnitId || undefined}
            placeholder={i18n.t('None')}
            onChange={({ selected }) => change({ orgUnitId: selected, dhis2UserId: '' })}
            clearable
            clearText={i18n.t('Clear')}
          >
            {(orgUnits.data ?? []).map((unit) => (
              <SingleSelectOption key={unit.id} value={unit.id} label={unit.name} />
            ))}
          </SingleSelectField>
          <SingleSelectField
            label={i18n.t('Health worker (optional)')}
            helpText={i18n.t('The phone enrolled with this code is assigned to this DHIS2 user.')}
            inputWidth="260px"
            loading={workers.loading}
            selected={form.dhis2UserId || undefined}
            placeholder={i18n.t('None')}
            onChange={({ selected }) => change({ dhis2UserId: selected })}
            clearable
            clearText={i18n.t('Clear')}
            filterable
            noMatchText={i18n.t('No user matches')}
            dataTest="token-worker"
          >
            {(workers.data ?? []).map((worker) => (
              <SingleSelectOption key={worker.uid} value={worker.uid} label={`${worker.displayName} (${worker.username})`} />
            ))}
          </SingleSelectField>
          <InputField label={i18n.t('Label')} inputWidth="240px" {...text('label')} dataTest="token-label" />
        </div>
        <div className={styles.row}>
          <SingleSelectField
            label={i18n.t('Device ID')}
            inputWidth="260px"
            selected={form.deviceIdSource || SERVER_CHOOSES}
            onChange={({ selected }) =>
              change({ deviceIdSource: selected === SERVER_CHOOSES ? '' : (selected as DeviceIdSource) })
            }
          >
            <SingleSelectOption value={SERVER_CHOOSES} label={i18n.t('Chosen by the server')} />
            <SingleSelectOption value="serial" label={i18n.t('Serial number of the phone')} />
            <SingleSelectOption value="imei" label={i18n.t('IMEI of the phone')} />
          </SingleSelectField>
          <InputField
            label={i18n.t('Preset device ID (optional)')}
            helpText={i18n.t('For a QR code that enrols one particular phone.')}
            inputWidth="240px"
            {...text('presetDeviceId')}
          />
          <InputField
            label={i18n.t('Expires after (hours)')}
            type="number"
            min="1"
            inputWidth="140px"
            {...text('expiresInHours')}
          />
          <InputField
            label={i18n.t('Maximum uses')}
            helpText={i18n.t('Empty for no limit.')}
            type="number"
            min="1"
            inputWidth="140px"
            {...text('maxUses')}
          />
        </div>
        <h3 className={styles.subheading}>{i18n.t('Network during setup')}</h3>
        <div className={styles.row}>
          <InputField label={i18n.t('Wi-Fi name (SSID)')} inputWidth="220px" {...text('wifiSsid')} />
          <InputField
            label={i18n.t('Wi-Fi password')}
            type="password"
            autoComplete="new-password"
            inputWidth="200px"
            disabled={form.wifiSsid.trim() === ''}
            {...text('wifiPassword')}
          />
          <SingleSelectField
            label={i18n.t('Wi-Fi security')}
            inputWidth="140px"
            selected={form.wifiSecurity}
            disabled={form.wifiSsid.trim() === ''}
            onChange={({ selected }) => change({ wifiSecurity: selected as WifiSecurity })}
          >
            {WIFI_SECURITY_TYPES.map((type) => (
              <SingleSelectOption
                key={type}
                value={type}
                label={type === 'NONE' ? i18n.t('Open (no password)') : type}
              />
            ))}
          </SingleSelectField>
          <Switch
            label={i18n.t('Download the agent over mobile data when there is no Wi-Fi (Android 10+)')}
            checked={form.useMobileData}
            onChange={({ checked }) => change({ useMobileData: checked })}
          />
        </div>
        <ErrorNotice error={policies.error ?? orgUnits.error} title={i18n.t('The choices could not be loaded')} />
        <ErrorNotice error={error} title={i18n.t('The QR code was not created')} />
        <Button type="submit" primary loading={saving} disabled={form.policyId === ''} dataTest="token-create">
          {i18n.t('Create QR code')}
        </Button>
      </form>
    </Section>
  );
}
