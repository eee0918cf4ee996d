import i18n from '@dhis2/d2-i18n';
import { InputField } from '@dhis2/ui';
import { useState } from 'react';

import { NumberInput, Select, TimeInput, TriStateSelect } from '../policies/form-controls.js';
import { UNMANAGED } from '../policies/setting-options.js';
import type { OverrideSetting } from './override-settings.js';

interface Props {
  setting: OverrideSetting;
  value: unknown;
  onChange: (value: unknown) => void;
}

/** Input for one override value, chosen by the setting's kind. */
export function OverrideValueInput({ setting, value, onChange }: Props) {
  const label = i18n.t('Value');
  const input = setting.input;

  switch (input.kind) {
    case 'tristate':
      return <TriStateSelect label={label} value={(value as boolean | null) ?? null} onChange={onChange} dataTest="override-value" />;
    case 'boolean':
      return (
        <Select
          label={label}
          selected={value === true ? 'on' : 'off'}
          options={[
            { value: 'on', label: i18n.t('On') },
            { value: 'off', label: i18n.t('Off') },
          ]}
          onChange={(selected) => onChange(selected === 'on')}
          dataTest="override-value"
        />
      );
    case 'choice': {
      const options = input.options();
      const selected = value === null || value === undefined ? (options[0]?.value ?? UNMANAGED) : String(value);
      const choose = (choice: string) => {
        if (choice === UNMANAGED) onChange(null);
        else onChange(input.numeric ? Number(choice) : choice);
      };
      return <Select label={label} selected={selected} options={options} onChange={choose} dataTest="override-value" />;
    }
    case 'integer':
      return <NumberInput label={label} value={(value as number | null) ?? null} min={input.min} max={input.max} onChange={onChange} dataTest="override-value" />;
    case 'time':
      return <TimeInput label={label} value={(value as string | null) ?? null} onChange={onChange} dataTest="override-value" />;
    case 'text':
      return (
        <InputField
          label={label}
          inputWidth="260px"
          value={(value as string | null) ?? ''}
          helpText={i18n.t('Empty leaves it unmanaged')}
          onChange={({ value: text }) => onChange(text?.trim() ? text.trim() : null)}
          dataTest="override-value"
        />
      );
    case 'keys':
      return <KeysInput label={label} value={Array.isArray(value) ? (value as string[]) : []} onChange={onChange} />;
  }
}

/** Comma-separated restriction keys; the text is kept as typed, so a trailing comma survives. */
function KeysInput({ label, value, onChange }: { label: string; value: string[]; onChange: (keys: string[]) => void }) {
  const [text, setText] = useState(value.join(', '));

  return (
    <InputField
      label={label}
      inputWidth="360px"
      helpText={i18n.t('Comma-separated keys; this list replaces the policy\'s list')}
      value={text}
      onChange={({ value: next }) => {
        setText(next ?? '');
        onChange(
          (next ?? '')
            .split(',')
            .map((key) => key.trim())
            .filter((key) => key !== ''),
        );
      }}
      dataTest="override-value"
    />
  );
}
