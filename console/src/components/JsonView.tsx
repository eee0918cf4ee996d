import i18n from '@dhis2/d2-i18n';
import { Button } from '@dhis2/ui';
import { useState } from 'react';

import styles from './JsonView.module.css';

interface Props {
  value: unknown;
  /** Shows the JSON at first instead of only the toggle button. */
  initiallyOpen?: boolean;
}

/** Pretty-printed JSON behind a show/hide button. */
export function JsonView({ value, initiallyOpen = false }: Props) {
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <div>
      <Button small secondary onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? i18n.t('Hide JSON') : i18n.t('Show JSON')}
      </Button>
      {open && <pre className={styles.json}>{JSON.stringify(value, null, 2)}</pre>}
    </div>
  );
}
