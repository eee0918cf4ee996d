import i18n from '@dhis2/d2-i18n';
import { Switch, Tag } from '@dhis2/ui';

import { RESTRICTION_OPTIONS } from './restrictions.js';
import styles from './PolicyForm.module.css';

interface Props {
  restrictions: string[];
  onChange: (restrictions: string[]) => void;
}

/** Renders a switch per known restriction and lists, unchanged, other keys already in the policy. */
export function RestrictionSwitches({ restrictions, onChange }: Props) {
  const known = new Set(RESTRICTION_OPTIONS.map((option) => option.key));
  const others = restrictions.filter((key) => !known.has(key));

  const toggle = (key: string, checked: boolean) => {
    const without = restrictions.filter((existing) => existing !== key);
    onChange(checked ? [...without, key] : without);
  };

  return (
    <div className={styles.switches}>
      {RESTRICTION_OPTIONS.map((option) => (
        <Switch
          key={option.key}
          name={option.key}
          value={option.key}
          label={
            <span>
              {option.label()} <code className={styles.key}>{option.key}</code>
            </span>
          }
          checked={restrictions.includes(option.key)}
          onChange={({ checked }) => toggle(option.key, checked)}
          dataTest={`restriction-${option.key}`}
        />
      ))}
      {others.length > 0 && (
        <div className={styles.otherRestrictions}>
          {i18n.t('Other restrictions in this policy:')}{' '}
          {others.map((key) => (
            <Tag key={key}>{key}</Tag>
          ))}
        </div>
      )}
    </div>
  );
}
