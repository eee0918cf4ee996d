import i18n from '@dhis2/d2-i18n';
import { Tag } from '@dhis2/ui';

import type { BulkJob } from '../../api/bulk.js';

export function BulkJobState({ state }: { state: BulkJob['state'] }) {
  switch (state) {
    case 'queued':
      return <Tag neutral>{i18n.t('Waiting to start')}</Tag>;
    case 'running':
      return <Tag>{i18n.t('Running')}</Tag>;
    case 'completed':
      return <Tag positive>{i18n.t('Completed')}</Tag>;
    case 'cancelled':
      return <Tag negative>{i18n.t('Cancelled')}</Tag>;
  }
}

/** Devices reached so far, as a share of the selection. */
export function progressPercent(job: BulkJob): number {
  if (job.total === 0) return 100;
  const handled = job.devices.done + job.devices.skipped + job.devices.failed + job.devices.cancelled;
  return Math.round((handled / job.total) * 100);
}
