import i18n from '@dhis2/d2-i18n';
import { Tag } from '@dhis2/ui';

import type { DeviceStatus } from '../api/types.js';

/** Device contact status as a coloured tag. */
export function StatusTag({ status }: { status: DeviceStatus }) {
  switch (status) {
    case 'online':
      return <Tag positive>{i18n.t('Online')}</Tag>;
    case 'late':
      return <Tag neutral>{i18n.t('Late')}</Tag>;
    case 'offline':
      return <Tag negative>{i18n.t('Offline')}</Tag>;
    case 'never':
      return <Tag neutral>{i18n.t('Never contacted')}</Tag>;
  }
}
