import i18n from '@dhis2/d2-i18n';
import { Button, InputField } from '@dhis2/ui';
import { useState } from 'react';

import type { Period } from '../../api/locations.js';
import { fromLocalInputValue, toLocalInputValue, viewerTimeZone } from '../format.js';
import styles from './PeriodPicker.module.css';

const HOUR_MS = 3_600_000;

/** Returns the last `hours` up to now as a track period. */
export function lastHours(hours: number, now = Date.now()): Period {
  return { from: now - hours * HOUR_MS, to: now };
}

interface Props {
  period: Period;
  onChange: (period: Period) => void;
}

/**
 * From and to of a track, entered in the viewer's time zone, with shortcuts
 * for the last day and week. The API receives epoch milliseconds, so the
 * zone only affects what is typed and shown.
 */
export function PeriodPicker({ period, onChange }: Props) {
  const [from, setFrom] = useState(toLocalInputValue(period.from));
  const [to, setTo] = useState(toLocalInputValue(period.to));
  const [problem, setProblem] = useState<string | null>(null);

  const apply = () => {
    const fromMs = fromLocalInputValue(from);
    const toMs = fromLocalInputValue(to);
    if (fromMs === null || toMs === null) {
      setProblem(i18n.t('Enter a date and time in both fields.'));
      return;
    }
    if (fromMs > toMs) {
      setProblem(i18n.t('The start must come before the end.'));
      return;
    }
    setProblem(null);
    // The end minute is included whole.
    onChange({ from: fromMs, to: toMs + 59_999 });
  };

  const shortcut = (hours: number) => {
    const next = lastHours(hours);
    setFrom(toLocalInputValue(next.from));
    setTo(toLocalInputValue(next.to));
    setProblem(null);
    onChange(next);
  };

  return (
    <div className={styles.picker} data-test="period-picker">
      <InputField
        label={i18n.t('From')}
        type="datetime-local"
        value={from}
        onChange={({ value }) => setFrom(value ?? '')}
        dataTest="period-from"
        dense
      />
      <InputField
        label={i18n.t('To')}
        type="datetime-local"
        value={to}
        onChange={({ value }) => setTo(value ?? '')}
        dataTest="period-to"
        dense
      />
      <Button small onClick={apply} dataTest="period-apply">
        {i18n.t('Show')}
      </Button>
      <Button small secondary onClick={() => shortcut(24)}>
        {i18n.t('Last 24 hours')}
      </Button>
      <Button small secondary onClick={() => shortcut(24 * 7)}>
        {i18n.t('Last 7 days')}
      </Button>
      <span className={styles.zone}>{i18n.t('Times in {{zone}}', { zone: viewerTimeZone() })}</span>
      {problem && (
        <span className={styles.problem} data-test="period-problem">
          {problem}
        </span>
      )}
    </div>
  );
}
