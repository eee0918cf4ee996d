import i18n from '@dhis2/d2-i18n';
import { InputField } from '@dhis2/ui';
import { useEffect, useState } from 'react';

import { fetchDevices } from '../../api/devices.js';
import type { DeviceStatus } from '../../api/types.js';
import { useCursorStack } from '../../components/cursor-stack.js';
import { CursorPager } from '../../components/CursorPager.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { hasRole, useUser } from '../../session.js';
import { useApiData } from '../../use-api-data.js';
import { AssignmentFilters, type AssignmentFilterValue } from './AssignmentFilters.js';
import { BulkActionBar } from './BulkActionBar.js';
import { ContactStateFilter } from './ContactStateFilter.js';
import { ContactThresholds } from './ContactThresholds.js';
import { DEVICE_COLUMNS, type SortState } from './device-columns.js';
import { DeviceTable } from './DeviceTable.js';
import styles from './DeviceListPage.module.css';
import { useDeviceSelection } from './use-device-selection.js';

// Waits for a pause in typing so each keystroke does not start a request.
const SEARCH_DEBOUNCE_MS = 300;
const DEFAULT_PAGE_SIZE = 25;

/** Searchable, sortable device list paged by cursors. */
export function DeviceListPage() {
  const user = useUser();
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortState>({ column: 'lastContact', order: 'desc' });
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const [contactState, setContactState] = useState<DeviceStatus | ''>('');
  const [assignment, setAssignment] = useState<AssignmentFilterValue>({ orgUnitId: '', dhis2UserId: '' });
  const pages = useCursorStack();
  const selection = useDeviceSelection();
  const { reset } = pages;

  // A new search, sort or page size starts again from the first page.
  useEffect(() => {
    const trimmed = searchText.trim();
    if (trimmed === search) return;

    const timer = window.setTimeout(() => {
      setSearch(trimmed);
      reset();
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [searchText, search, reset]);

  const changeSort = (next: SortState) => {
    setSort(next);
    reset();
  };

  const changeContactState = (state: DeviceStatus | '') => {
    setContactState(state);
    reset();
  };

  const changeAssignment = (value: AssignmentFilterValue) => {
    setAssignment(value);
    reset();
  };

  const changePageSize = (size: number) => {
    setPageSize(size);
    reset();
  };

  const sortKey = DEVICE_COLUMNS.find((column) => column.id === sort.column)?.sortKey ?? 'lastContact';
  const devices = useApiData(
    () => fetchDevices({ search, sort: sortKey, order: sort.order, limit: pageSize, cursor: pages.cursor, contactState, ...assignment }),
    [search, sortKey, sort.order, pageSize, pages.cursor, contactState, assignment.orgUnitId, assignment.dhis2UserId],
  );

  const nextCursor = devices.data?.nextCursor ?? null;
  return (
    <>
      <PageHeader title={i18n.t('Devices')} />
      <Section>
        <div className={styles.toolbar}>
          <InputField
            dense
            type="search"
            inputWidth="320px"
            placeholder={i18n.t('Device ID, serial, IMEI or model: start of a word')}
            value={searchText}
            onChange={({ value }) => setSearchText(value ?? '')}
            dataTest="device-search"
          />
          <ContactStateFilter value={contactState} onChange={changeContactState} />
          <AssignmentFilters value={assignment} onChange={changeAssignment} />
          <BulkActionBar selection={selection} filters={{ search, contactState, ...assignment }} />
        </div>
        <ErrorNotice error={devices.error} title={i18n.t('The devices could not be loaded')} />
        <DeviceTable
          devices={devices.data?.items}
          loading={devices.loading}
          search={search}
          sort={sort}
          onSortChange={changeSort}
          selected={selection.ids}
          onToggle={selection.toggle}
        />
        <CursorPager
          pageIndex={pages.pageIndex}
          hasNext={nextCursor !== null}
          pageSize={pageSize}
          onPrevious={pages.previous}
          onNext={() => nextCursor && pages.next(nextCursor)}
          onPageSizeChange={changePageSize}
          disabled={devices.loading}
        />
      </Section>
      {hasRole(user, 'admin') && <ContactThresholds onSaved={devices.reload} />}
    </>
  );
}
