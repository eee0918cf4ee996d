import type { ReactNode } from 'react';

import styles from './FieldList.module.css';

export interface FieldItem {
  label: string;
  value: ReactNode;
}

/** Label and value pairs in a responsive grid. */
export function FieldList({ items, dataTest }: { items: FieldItem[]; dataTest?: string }) {
  return (
    <dl className={styles.list} data-test={dataTest}>
      {items.map((item) => (
        <div key={item.label} className={styles.item}>
          <dt className={styles.label}>{item.label}</dt>
          <dd className={styles.value}>{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
