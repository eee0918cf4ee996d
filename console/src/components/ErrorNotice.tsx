import i18n from '@dhis2/d2-i18n';
import { NoticeBox } from '@dhis2/ui';

import { describeError } from './error-text.js';

interface Props {
  error: unknown;
  title?: string;
}

/** Error box for a failed load or save; renders nothing without an error. */
export function ErrorNotice({ error, title }: Props) {
  if (!error) return null;
  return (
    <NoticeBox error title={title ?? i18n.t('Something went wrong')}>
      {describeError(error)}
    </NoticeBox>
  );
}
