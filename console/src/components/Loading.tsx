import i18n from '@dhis2/d2-i18n';
import { CircularLoader } from '@dhis2/ui';

import styles from './Loading.module.css';

export function Loading() {
  return (
    <div className={styles.loading} role="status" aria-label={i18n.t('Loading')}>
      <CircularLoader small />
    </div>
  );
}
