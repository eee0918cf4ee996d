import i18n from '@dhis2/d2-i18n';
import { Button, SingleSelectField, SingleSelectOption } from '@dhis2/ui';

import styles from './CursorPager.module.css';

/** Page sizes offered; the API accepts 1 to 200. */
export const PAGE_SIZES = [10, 25, 50, 100, 200];

interface Props {
  /** 0-based index of the shown page. */
  pageIndex: number;
  hasNext: boolean;
  pageSize: number;
  onPrevious: () => void;
  onNext: () => void;
  onPageSizeChange: (size: number) => void;
  disabled?: boolean;
}

/** Previous/Next buttons and page size for a list paged by cursors. */
export function CursorPager({ pageIndex, hasNext, pageSize, onPrevious, onNext, onPageSizeChange, disabled }: Props) {
  return (
    <div className={styles.pager}>
      <div className={styles.size}>
        <SingleSelectField
          dense
          inputWidth="90px"
          label={i18n.t('Rows per page')}
          selected={String(pageSize)}
          onChange={({ selected }) => onPageSizeChange(Number(selected))}
          dataTest="page-size"
        >
          {PAGE_SIZES.map((size) => (
            <SingleSelectOption key={size} label={String(size)} value={String(size)} />
          ))}
        </SingleSelectField>
      </div>
      <span className={styles.page}>{i18n.t('Page {{number}}', { number: pageIndex + 1 })}</span>
      <Button small onClick={onPrevious} disabled={disabled || pageIndex === 0} dataTest="page-previous">
        {i18n.t('Previous')}
      </Button>
      <Button small onClick={onNext} disabled={disabled || !hasNext} dataTest="page-next">
        {i18n.t('Next')}
      </Button>
    </div>
  );
}
