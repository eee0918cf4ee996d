import i18n from '@dhis2/d2-i18n';
import { DataTable, DataTableBody, DataTableCell, DataTableColumnHeader, DataTableHead, DataTableRow } from '@dhis2/ui';
import { useState } from 'react';

import { fetchAuditEvents } from '../api/audit.js';
import type { AuditEvent } from '../api/types.js';
import { useCursorStack } from '../components/cursor-stack.js';
import { CursorPager } from '../components/CursorPager.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { formatTime } from '../components/format.js';
import { Loading } from '../components/Loading.js';
import { PageHeader } from '../components/PageHeader.js';
import { Section } from '../components/Section.js';
import { useApiData } from '../use-api-data.js';
import styles from './AuditPage.module.css';

const DEFAULT_PAGE_SIZE = 50;

function targetText(event: AuditEvent): string {
  return event.targetId ? `${event.targetType} ${event.targetId}` : event.targetType;
}

/** Audit events, newest first, paged by cursor. */
export function AuditPage() {
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const pages = useCursorStack();
  const events = useApiData(() => fetchAuditEvents(pageSize, pages.cursor), [pageSize, pages.cursor]);
  const nextCursor = events.data?.nextCursor ?? null;

  return (
    <>
      <PageHeader title={i18n.t('Audit trail')} />
      <Section>
        <ErrorNotice error={events.error} title={i18n.t('The audit trail could not be loaded')} />
        {events.data === undefined && events.loading && <Loading />}
        {events.data?.items.length === 0 && <p>{i18n.t('No event has been recorded yet.')}</p>}
        {events.data && events.data.items.length > 0 && (
          <DataTable dataTest="audit-table">
            <DataTableHead>
              <DataTableRow>
                <DataTableColumnHeader>{i18n.t('Time')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('User')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Action')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Target')}</DataTableColumnHeader>
                <DataTableColumnHeader>{i18n.t('Details')}</DataTableColumnHeader>
              </DataTableRow>
            </DataTableHead>
            <DataTableBody loading={events.loading}>
              {events.data.items.map((event) => (
                <DataTableRow key={event.id} dataTest="audit-row">
                  <DataTableCell className={styles.time}>{formatTime(event.at)}</DataTableCell>
                  <DataTableCell>{event.actor}</DataTableCell>
                  <DataTableCell>
                    <code>{event.action}</code>
                  </DataTableCell>
                  <DataTableCell>{targetText(event)}</DataTableCell>
                  <DataTableCell>
                    {event.details !== null && <code className={styles.details}>{JSON.stringify(event.details)}</code>}
                  </DataTableCell>
                </DataTableRow>
              ))}
            </DataTableBody>
          </DataTable>
        )}
        <CursorPager
          pageIndex={pages.pageIndex}
          hasNext={nextCursor !== null}
          pageSize={pageSize}
          onPrevious={pages.previous}
          onNext={() => nextCursor && pages.next(nextCursor)}
          onPageSizeChange={(size) => {
            setPageSize(size);
            pages.reset();
          }}
          disabled={events.loading}
        />
      </Section>
    </>
  );
}
