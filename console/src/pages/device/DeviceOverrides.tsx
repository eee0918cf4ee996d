import i18n from '@dhis2/d2-i18n';
import { Button, NoticeBox } from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { fetchDeviceOverrides, saveDeviceOverrides } from '../../api/policies.js';
import type { PolicySettings } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { Select } from '../policies/form-controls.js';
import styles from '../policies/PolicyForm.module.css';
import { describeValue, OVERRIDE_SETTINGS, overrideSetting } from './override-settings.js';
import { OverrideValueInput } from './OverrideValueInput.js';

type Overrides = Partial<PolicySettings>;

/**
 * Settings of this device that replace its policy's. Saving stores a new
 * revision and wakes the device; until it fetches and reports, its policy
 * state is pending.
 */
export function DeviceOverrides({ devicePk, onSaved }: { devicePk: string; onSaved: () => void }) {
  const user = useUser();
  const canEdit = hasRole(user, 'operator');
  const loaded = useApiData(() => fetchDeviceOverrides(devicePk), [devicePk]);
  const [draft, setDraft] = useState<Overrides>({});
  const [adding, setAdding] = useState<string>(OVERRIDE_SETTINGS[0]!.name);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (loaded.data) setDraft(loaded.data.overrides);
  }, [loaded.data]);

  const names = Object.keys(draft) as (keyof PolicySettings)[];
  const available = OVERRIDE_SETTINGS.filter((setting) => !(setting.name in draft));
  const changed = loaded.data !== undefined && JSON.stringify(draft) !== JSON.stringify(loaded.data.overrides);

  const add = () => {
    const setting = overrideSetting(adding);
    if (!setting || !loaded.data) return;
    // Start from the current effective value, so adding a row changes nothing until edited.
    setDraft({ ...draft, [setting.name]: loaded.data.effective[setting.name] });
    const next = available.find((candidate) => candidate.name !== setting.name);
    if (next) setAdding(next.name);
  };
  const remove = (name: keyof PolicySettings) => {
    const { [name]: _removed, ...rest } = draft;
    setDraft(rest);
  };
  const save = async (overrides: Overrides) => {
    setSaving(true);
    setError(null);
    try {
      await saveDeviceOverrides(devicePk, overrides);
      loaded.reload();
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Section title={i18n.t('Setting overrides')} dataTest="device-overrides">
      <ErrorNotice error={loaded.error} title={i18n.t('The overrides could not be loaded')} />
      {loaded.data && (
        <>
          <p className={styles.help}>
            {loaded.data.revision === 0
              ? i18n.t('This device follows its policy. Overrides replace single policy settings on this device only.')
              : i18n.t('Revision {{revision}}, changed {{time}} by {{user}}.', {
                  revision: loaded.data.revision,
                  time: formatTime(loaded.data.updatedAt),
                  user: loaded.data.updatedBy ?? '–',
                })}
          </p>
          {loaded.data.ignoredOverridesReason !== null && (
            <NoticeBox warning title={i18n.t('The phone does not get these overrides')} dataTest="overrides-ignored">
              {i18n.t('With the current policy they break a rule, so the configuration leaves them out: {{reason}}', {
                reason: loaded.data.ignoredOverridesReason,
              })}
            </NoticeBox>
          )}
          {names.map((name) => {
            const setting = overrideSetting(name);
            return (
              <div key={name} className={styles.appRow} data-test={`override-row-${name}`}>
                <strong>{setting ? setting.label() : name}</strong>
                {setting && canEdit ? (
                  <OverrideValueInput setting={setting} value={draft[name]} onChange={(value) => setDraft({ ...draft, [name]: value })} />
                ) : (
                  <span>{describeValue(draft[name])}</span>
                )}
                <span className={styles.key}>
                  {i18n.t('Policy: {{value}}', { value: describeValue(loaded.data!.policySettings[name]) })}
                </span>
                {canEdit && (
                  <Button small secondary onClick={() => remove(name)}>
                    {i18n.t('Remove')}
                  </Button>
                )}
              </div>
            );
          })}
          {canEdit && available.length > 0 && (
            <div className={styles.appRow}>
              <Select
                label={i18n.t('Override a setting')}
                selected={adding}
                options={available.map((setting) => ({ value: setting.name, label: setting.label() }))}
                onChange={setAdding}
                dataTest="override-add-setting"
              />
              <Button onClick={add} dataTest="override-add">
                {i18n.t('Add')}
              </Button>
            </div>
          )}
          <ErrorNotice error={error} title={i18n.t('The overrides were not saved')} />
          {canEdit && (
            <div className={styles.actions}>
              <Button primary disabled={!changed} loading={saving} onClick={() => save(draft)} dataTest="override-save">
                {i18n.t('Save overrides')}
              </Button>
              {loaded.data.revision > 0 && Object.keys(loaded.data.overrides).length > 0 && (
                <Button secondary onClick={() => save({})} dataTest="override-clear">
                  {i18n.t('Clear all overrides')}
                </Button>
              )}
            </div>
          )}
          {!canEdit && names.length > 0 && (
            <NoticeBox title={i18n.t('Read only')}>{i18n.t('Operators and admins can change overrides.')}</NoticeBox>
          )}
        </>
      )}
    </Section>
  );
}
