import i18n from '@dhis2/d2-i18n';
import { Button, InputField, SingleSelectField, SingleSelectOption, Switch } from '@dhis2/ui';
import { useEffect, useState } from 'react';

import type { Role } from '../../api/types.js';
import { fetchDhis2Groups, fetchDhis2LoginSettings, saveDhis2LoginSettings, type Dhis2LoginSettings } from '../../api/users.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { roleLabel } from '../../components/role-label.js';
import { Section } from '../../components/Section.js';
import { useApiData } from '../../use-api-data.js';
import styles from './Users.module.css';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** Turns sign-in with DHIS2 on or off and maps DHIS2 user groups to roles. */
export function Dhis2SignInSettings() {
  const loaded = useApiData(fetchDhis2LoginSettings, []);
  const groups = useApiData(fetchDhis2Groups, []);
  const groupChoices = (groups.data ?? []).filter((group) => !group.removed);
  const [settings, setSettings] = useState<Dhis2LoginSettings | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (loaded.data) setSettings(loaded.data);
  }, [loaded.data]);

  const save = async () => {
    if (!settings) return;
    setSaving(true);
    setError(null);
    setSaved(false);
    try {
      setSettings(await saveDhis2LoginSettings(settings));
      setSaved(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setSaving(false);
    }
  };
  const changeMapping = (index: number, patch: Partial<Dhis2LoginSettings['groupRoles'][number]>) =>
    setSettings((current) =>
      current && { ...current, groupRoles: current.groupRoles.map((mapping, at) => (at === index ? { ...mapping, ...patch } : mapping)) },
    );

  return (
    <Section title={i18n.t('Sign in with DHIS2')} dataTest="dhis2-sign-in">
      <ErrorNotice error={loaded.error} title={i18n.t('The settings could not be loaded')} />
      {settings && (
        <>
          <p>
            {i18n.t(
              'DHIS2 users sign in with their DHIS2 username and password, checked by the connected DHIS2. Their user groups give the role below, and their DHIS2 org units limit what they see. A user in no listed group cannot sign in.',
            )}
          </p>
          <Switch
            label={i18n.t('Allow sign-in with DHIS2')}
            checked={settings.enabled}
            onChange={({ checked }) => setSettings({ ...settings, enabled: checked })}
            dataTest="dhis2-sign-in-enabled"
          />
          {settings.groupRoles.map((mapping, index) => (
            <div className={styles.mappingRow} key={index}>
              {groupChoices.length > 0 ? (
                <SingleSelectField
                  label={i18n.t('DHIS2 user group')}
                  selected={groupChoices.some((group) => group.id === mapping.groupId) ? mapping.groupId : undefined}
                  onChange={({ selected }) => changeMapping(index, { groupId: selected })}
                  filterable
                  noMatchText={i18n.t('No group matches')}
                  inputWidth="280px"
                  dataTest="dhis2-sign-in-group"
                >
                  {groupChoices.map((group) => (
                    <SingleSelectOption key={group.id} value={group.id} label={i18n.t('{{name}} ({{count}} users)', { name: group.name, count: group.members })} />
                  ))}
                </SingleSelectField>
              ) : (
                <InputField
                  label={i18n.t('DHIS2 user group id')}
                  helpText={i18n.t('Synchronise DHIS2 to choose groups by name.')}
                  value={mapping.groupId}
                  onChange={({ value }) => changeMapping(index, { groupId: value ?? '' })}
                  inputWidth="200px"
                />
              )}
              <SingleSelectField label={i18n.t('Role')} selected={mapping.role} onChange={({ selected }) => changeMapping(index, { role: selected as Role })} inputWidth="160px">
                {ROLES.map((role) => (
                  <SingleSelectOption key={role} value={role} label={roleLabel(role)} />
                ))}
              </SingleSelectField>
              <Button small onClick={() => setSettings({ ...settings, groupRoles: settings.groupRoles.filter((_, at) => at !== index) })}>
                {i18n.t('Remove')}
              </Button>
            </div>
          ))}
          <Button small onClick={() => setSettings({ ...settings, groupRoles: [...settings.groupRoles, { groupId: '', role: 'viewer' }] })}>
            {i18n.t('Add group')}
          </Button>
          <ErrorNotice error={error} title={i18n.t('The settings could not be saved')} />
          {saved && <p>{i18n.t('Saved.')}</p>}
          <div>
            <Button primary onClick={() => void save()} loading={saving}>
              {i18n.t('Save sign-in settings')}
            </Button>
          </div>
        </>
      )}
    </Section>
  );
}
