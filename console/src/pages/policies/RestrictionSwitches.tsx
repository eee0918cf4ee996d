import i18n from '@dhis2/d2-i18n';
import { Button, InputField, Switch, Tag } from '@dhis2/ui';
import { useState } from 'react';

import type { RestrictionInfo } from '../../api/types.js';
import styles from './PolicyForm.module.css';

interface Props {
  catalogue: RestrictionInfo[];
  restrictions: string[];
  extraRestrictions: string[];
  onChange: (change: { restrictions: string[]; extraRestrictions: string[] }) => void;
}

// Same form the server accepts for any Android user-restriction key.
const KEY_PATTERN = /^[a-z][a-z0-9_]{2,63}$/;

function groupTitle(group: RestrictionInfo['group']): string {
  switch (group) {
    case 'network':
      return i18n.t('Network and radios');
    case 'apps':
      return i18n.t('Apps');
    case 'device':
      return i18n.t('Device and settings');
    case 'users':
      return i18n.t('Users and accounts');
    case 'data':
      return i18n.t('Data transfer');
  }
}

const GROUPS: RestrictionInfo['group'][] = ['network', 'apps', 'device', 'users', 'data'];

/**
 * Switches for the restriction catalogue, grouped, plus a field for keys the
 * catalogue lacks. Those are applied as given and marked as unknown.
 * NOTE: labels and descriptions come from the server's catalogue in English.
 */
export function RestrictionSwitches({ catalogue, restrictions, extraRestrictions, onChange }: Props) {
  const [entry, setEntry] = useState('');
  const [entryError, setEntryError] = useState<string | null>(null);

  const toggle = (key: string, checked: boolean) => {
    const without = restrictions.filter((existing) => existing !== key);
    onChange({ restrictions: checked ? [...without, key] : without, extraRestrictions });
  };

  const addExtra = () => {
    const key = entry.trim();
    if (!KEY_PATTERN.test(key)) {
      setEntryError(i18n.t('Enter a key in lower case with underscores, such as no_printing.'));
      return;
    }
    setEntryError(null);
    setEntry('');
    if (catalogue.some((item) => item.key === key)) {
      if (!restrictions.includes(key)) onChange({ restrictions: [...restrictions, key], extraRestrictions });
      return;
    }
    if (!extraRestrictions.includes(key)) onChange({ restrictions, extraRestrictions: [...extraRestrictions, key] });
  };

  const removeExtra = (key: string) =>
    onChange({ restrictions, extraRestrictions: extraRestrictions.filter((existing) => existing !== key) });

  return (
    <>
      <p className={styles.help}>
        {i18n.t('The agent applies restrictions as device owner after each sync. Android versions older than a restriction ignore it.')}
      </p>
      {GROUPS.map((group) => (
        <div key={group}>
          <h3 className={styles.subheading}>{groupTitle(group)}</h3>
          <div className={styles.switches}>
            {catalogue
              .filter((item) => item.group === group)
              .map((item) => (
                <Switch
                  key={item.key}
                  name={item.key}
                  value={item.key}
                  label={
                    <span title={item.blocks}>
                      {item.label} <code className={styles.key}>{item.key}</code>
                      {item.minSdk !== null && (
                        <span className={styles.key}> {i18n.t('API {{level}}+', { level: item.minSdk })}</span>
                      )}
                    </span>
                  }
                  checked={restrictions.includes(item.key)}
                  onChange={({ checked }) => toggle(item.key, checked)}
                  dataTest={`restriction-${item.key}`}
                />
              ))}
          </div>
        </div>
      ))}

      <h3 className={styles.subheading}>{i18n.t('Other restriction keys')}</h3>
      <p className={styles.help}>
        {i18n.t('Keys the catalogue lacks are sent to the agent as given. Outpost cannot check them, so they are marked unknown.')}
      </p>
      <div className={styles.appRow}>
        <InputField
          label={i18n.t('Restriction key')}
          inputWidth="260px"
          value={entry}
          error={entryError !== null}
          validationText={entryError ?? undefined}
          onChange={({ value }) => setEntry(value ?? '')}
          dataTest="extra-restriction-key"
        />
        <Button onClick={addExtra} dataTest="extra-restriction-add">
          {i18n.t('Add key')}
        </Button>
      </div>
      <div className={styles.tags} data-test="extra-restrictions">
        {extraRestrictions.map((key) => (
          <span key={key} className={styles.tagItem}>
            <Tag negative>{i18n.t('{{key}} (unknown)', { key })}</Tag>
            <Button small secondary onClick={() => removeExtra(key)}>
              {i18n.t('Remove')}
            </Button>
          </span>
        ))}
      </div>
    </>
  );
}
