import type { ReactNode } from 'react';

import styles from './Section.module.css';

interface Props {
  title?: string;
  children: ReactNode;
  dataTest?: string;
}

/** White panel with an optional heading, the DHIS2 card look. */
export function Section({ title, children, dataTest }: Props) {
  return (
    <section className={styles.section} data-test={dataTest}>
      {title && <h2 className={styles.title}>{title}</h2>}
      {children}
    </section>
  );
}
