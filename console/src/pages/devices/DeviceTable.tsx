import i18n from '@dhis2/d2-i18n';
import {
  Checkbox,
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  type DataTableSortDirection,
} from '@dhis2/ui';

import type { DeviceSummary } from '../../api/types.js';
import { Loading } from '../../components/Loading.js';
import { routeHref } from '../../router.js';
import { DEVICE_COLUMNS, type DeviceColumn, type SortState } from './device-columns.js';
import styles from './DeviceTable.module.css';

interface Props {
  devices: DeviceSummary[] | undefined;
  loading: boolean;
  search: string;
  sort: SortState;
  onSortChange: (sort: SortState) => void;
  /** Ticked device ids; with onToggle, a checkbox column for bulk actions is shown. */
  selected?: ReadonlySet<string>;
  onToggle?: (id: string) => void;
}

function sortDirection(column: DeviceColumn, sort: SortState): DataTableSortDirection | undefined {
  if (column.sortKey === null) return undefined;
  return column.id === sort.column ? sort.order : 'default';
}

/** Device rows with sortable headers, or the empty state. */
export function DeviceTable({ devices, loading, search, sort, onSortChange, selected, onToggle }: Props) {
  if (devices === undefined) return loading ? <Loading /> : null;

  return (
    <DataTable dataTest="device-table">
      <DataTableHead>
        <DataTableRow>
          {onToggle && <DataTableColumnHeader width="48px" />}
          {DEVICE_COLUMNS.map((column) => (
            <DataTableColumnHeader
              key={column.id}
              name={column.id}
              dataTest={`column-${column.id}`}
              sortDirection={sortDirection(column, sort)}
              sortIconTitle={i18n.t('Sort by {{column}}', { column: column.label() })}
              onSortIconClick={({ direction }) =>
                onSortChange({ column: column.id, order: direction === 'desc' ? 'desc' : 'asc' })
              }
            >
              {column.label()}
            </DataTableColumnHeader>
          ))}
        </DataTableRow>
      </DataTableHead>
      <DataTableBody loading={loading}>
        {devices.length === 0 && (
          <DataTableRow>
            <DataTableCell colSpan={String(DEVICE_COLUMNS.length + (onToggle ? 1 : 0))}>
              <EmptyState search={search} />
            </DataTableCell>
          </DataTableRow>
        )}
        {devices.map((device) => (
          <DataTableRow key={device.id} dataTest="device-row">
            {onToggle && (
              <DataTableCell width="48px">
                <Checkbox
                  checked={selected?.has(device.id) ?? false}
                  onChange={() => onToggle(device.id)}
                  dataTest="device-select"
                  aria-label={i18n.t('Select {{id}}', { id: device.deviceId })}
                />
              </DataTableCell>
            )}
            {DEVICE_COLUMNS.map((column) => (
              <DataTableCell key={column.id}>{column.render(device)}</DataTableCell>
            ))}
          </DataTableRow>
        ))}
      </DataTableBody>
    </DataTable>
  );
}

function EmptyState({ search }: { search: string }) {
  if (search !== '') {
    return <p className={styles.empty}>{i18n.t('No device matches "{{search}}".', { search })}</p>;
  }
  return (
    <p className={styles.empty} data-test="devices-empty">
      {i18n.t('No device has enrolled yet.')}{' '}
      <a href={routeHref('/enrolment')}>{i18n.t('Create an enrolment QR code')}</a>
    </p>
  );
}
