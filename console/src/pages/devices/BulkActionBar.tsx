import i18n from '@dhis2/d2-i18n';
import { Button } from '@dhis2/ui';
import { useState } from 'react';

import type { BulkSelection } from '../../api/bulk.js';
import type { DeviceStatus } from '../../api/types.js';
import { hasRole, useUser } from '../../session.js';
import { BulkActionModal } from './BulkActionModal.js';
import type { DeviceSelection } from './use-device-selection.js';

interface Props {
  selection: DeviceSelection;
  /** The list's current filters, used when no device is ticked. */
  filters: { search: string; contactState: DeviceStatus | ''; orgUnitId?: string; dhis2UserId?: string };
}

/**
 * Bulk-action button of the device list: it acts on the ticked devices, or
 * on every device matching the filters when none is ticked.
 */
export function BulkActionBar({ selection, filters }: Props) {
  const user = useUser();
  const [open, setOpen] = useState(false);
  if (!hasRole(user, 'operator')) return null;

  const ticked = selection.ids.size;
  const target: BulkSelection =
    ticked > 0
      ? { deviceIds: [...selection.ids] }
      : {
          filters: {
            ...(filters.search ? { search: filters.search } : {}),
            ...(filters.contactState ? { contactState: filters.contactState } : {}),
            ...(filters.orgUnitId ? { orgUnitId: filters.orgUnitId } : {}),
            ...(filters.dhis2UserId ? { dhis2UserId: filters.dhis2UserId } : {}),
          },
        };
  const description =
    ticked > 0 ? i18n.t('{{count}} selected devices', { count: ticked }) : i18n.t('every device matching the filters');

  return (
    <>
      <Button onClick={() => setOpen(true)} dataTest="bulk-open">
        {ticked > 0 ? i18n.t('Bulk action on {{count}} selected', { count: ticked }) : i18n.t('Bulk action on all matching')}
      </Button>
      {ticked > 0 && (
        <Button small secondary onClick={selection.clear} dataTest="bulk-clear">
          {i18n.t('Clear selection')}
        </Button>
      )}
      {open && <BulkActionModal selection={target} description={description} onClose={() => setOpen(false)} />}
    </>
  );
}
