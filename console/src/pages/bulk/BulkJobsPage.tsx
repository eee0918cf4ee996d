import i18n from '@dhis2/d2-i18n';
import {
  Button,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
} from '@dhis2/ui';

import { fetchBulkJobs } from '../../api/bulk.js';
import { useCursorStack } from '../../components/cursor-stack.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime } from '../../components/format.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { routeHref } from '../../router.js';
import { useApiData } from '../../use-api-data.js';
import { commandTypeLabel } from '../device/command-labels.js';
import { BulkJobState, progressPercent } from './bulk-labels.js';

/** Bulk actions, newest first. New ones start from the device list. */
export function BulkJobsPage() {
  const pages = useCursorStack();
  const jobs = useApiData(() => fetchBulkJobs(pages.cursor), [pages.cursor]);

  return (
    <>
      <PageHeader title={i18n.t('Bulk actions')}>
        <a href={routeHref('/devices')}>{i18n.t('Select devices for a new bulk action')}</a>
      </PageHeader>
      <Section>
        <ErrorNotice error={jobs.error} title={i18n.t('The bulk actions could not be loaded')} />
        {jobs.data?.items.length === 0 && <p>{i18n.t('No bulk action has been started.')}</p>}
        {jobs.data && jobs.data.items.length > 0 && (
          <DataTable dataTest="bulk-jobs">
            <DataTableHead>
              <DataTableRow>
                <DataTableColumnHeader>{i18n.t('Command')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Devices')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Progress')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('State')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Started by')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Created')}</DataTableColumnHeader>
              </DataTableRow>
            </DataTableHead>
            <DataTableBody loading={jobs.loading}>
              {jobs.data.items.map((job) => (
                <DataTableRow key={job.id} dataTest="bulk-job-row">
                  <DataTableCell>
                    <a href={routeHref(`/bulk/${job.id}`)}>{commandTypeLabel(job.type)}</a>
                  </DataTableCell>
                  <DataTableCell>{job.total}</DataTableCell>
                  <DataTableCell>{progressPercent(job)} %</DataTableCell>
                  <DataTableCell>
                    <BulkJobState state={job.state} />
                  </DataTableCell>
                  <DataTableCell>{job.createdBy}</DataTableCell>
                  <DataTableCell>{formatTime(job.createdAt)}</DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </DataTable>
        )}
        <Button small secondary disabled={pages.pageIndex === 0} onClick={pages.previous}>
          {i18n.t('Newer')}
        </Button>{' '}
        <Button small secondary disabled={!jobs.data?.nextCursor} onClick={() => jobs.data?.nextCursor && pages.next(jobs.data.nextCursor)}>
          {i18n.t('Older')}
        </Button>
      </Section>
    </>
  );
}
