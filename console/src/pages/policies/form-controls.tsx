import i18n from '@dhis2/d2-i18n';
import { InputField, SingleSelectField, SingleSelectOption } from '@dhis2/ui';

import { radioOptions, radioSetting, radioValue, type Option } from './setting-options.js';

interface SelectProps {
  label: string;
  selected: string;
  options: Option[];
  onChange: (value: string) => void;
  helpText?: string;
  dataTest?: string;
}

/** Single select of a fixed option list. */
export function Select(props: SelectProps) {
  return (
    <SingleSelectField
      label={props.label}
      inputWidth="300px"
      selected={props.selected}
      helpText={props.helpText}
      onChange={({ selected }) => props.onChange(selected)}
      dataTest={props.dataTest}
    >
      {props.options.map((option) => (
        <SingleSelectOption key={option.value} value={option.value} label={option.label} />
      ))}
    </SingleSelectField>
  );
}

interface TriStateProps {
  label: string;
  value: boolean | null;
  onChange: (value: boolean | null) => void;
  options?: Option[];
  dataTest?: string;
}

/** Select for a boolean setting that may be left unmanaged (null). */
export function TriStateSelect({ label, value, onChange, options, dataTest }: TriStateProps) {
  return (
    <Select
      label={label}
      selected={radioValue(value)}
      options={options ?? radioOptions()}
      onChange={(selected) => onChange(radioSetting(selected))}
      dataTest={dataTest}
    />
  );
}

interface NumberProps {
  label: string;
  value: number | null;
  min: number;
  max: number;
  onChange: (value: number | null) => void;
  helpText?: string;
  dataTest?: string;
}

/**
 * Whole-number input; empty means unmanaged. Text that is not a whole
 * number is kept as null, and the server names the field if it is out of range.
 */
export function NumberInput({ label, value, min, max, onChange, helpText, dataTest }: NumberProps) {
  return (
    <InputField
      label={label}
      type="number"
      inputWidth="140px"
      min={String(min)}
      max={String(max)}
      helpText={helpText ?? i18n.t('{{min}} to {{max}}; empty leaves it unmanaged', { min, max })}
      value={value === null ? '' : String(value)}
      onChange={({ value: text }) => onChange(text && /^-?\d+$/.test(text) ? Number(text) : null)}
      dataTest={dataTest}
    />
  );
}

interface TimeProps {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  dataTest?: string;
}

export function TimeInput({ label, value, onChange, dataTest }: TimeProps) {
  return (
    <InputField
      label={label}
      type="time"
      inputWidth="140px"
      value={value ?? ''}
      onChange={({ value: text }) => onChange(text || null)}
      dataTest={dataTest}
    />
  );
}
