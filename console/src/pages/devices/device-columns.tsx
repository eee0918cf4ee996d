import i18n from '@dhis2/d2-i18n';
import type { ReactNode } from 'react';

import type { DeviceSortKey, SortOrder } from '../../api/devices.js';
import type { DeviceSummary } from '../../api/types.js';
import { formatPercent, formatRelative, formatZonedTime, orDash } from '../../components/format.js';
import { StatusTag } from '../../components/StatusTag.js';
import { routeHref } from '../../router.js';

export type DeviceColumnId =
  | 'deviceId'
  | 'model'
  | 'androidVersion'
  | 'battery'
  | 'policy'
  | 'healthWorker'
  | 'lastContact'
  | 'status';

export interface SortState {
  column: DeviceColumnId;
  order: SortOrder;
}

export interface DeviceColumn {
  id: DeviceColumnId;
  label: () => string;
  /**
   * API sort key, or null where the API has none. Status sorts by last
   * contact because the status is derived from it (never < offline < online).
   */
  sortKey: DeviceSortKey | null;
  render: (device: DeviceSummary) => ReactNode;
}

function batteryText(device: DeviceSummary): string {
  const level = formatPercent(device.batteryLevel);
  return device.batteryCharging ? i18n.t('{{level}} (charging)', { level }) : level;
}

// NOTE: the API sorts by deviceId, lastContact, enrolledAt, model and battery
// only, so the Android, policy and health-worker columns cannot be sorted.
export const DEVICE_COLUMNS: DeviceColumn[] = [
  {
    id: 'deviceId',
    label: () => i18n.t('Device ID'),
    sortKey: 'deviceId',
    render: (device) => <a href={routeHref(`/devices/${encodeURIComponent(device.id)}`)}>{device.deviceId}</a>,
  },
  { id: 'model', label: () => i18n.t('Model'), sortKey: 'model', render: (device) => orDash(device.model) },
  {
    id: 'androidVersion',
    label: () => i18n.t('Android'),
    sortKey: null,
    render: (device) => orDash(device.androidVersion),
  },
  { id: 'battery', label: () => i18n.t('Battery'), sortKey: 'battery', render: batteryText },
  { id: 'policy', label: () => i18n.t('Policy'), sortKey: null, render: (device) => orDash(device.policyName) },
  {
    id: 'healthWorker',
    label: () => i18n.t('Health worker'),
    sortKey: null,
    render: (device) => orDash(device.dhis2Username ?? device.dhis2UserId ?? null),
  },
  {
    id: 'lastContact',
    label: () => i18n.t('Last contact'),
    sortKey: 'lastContact',
    render: (device) => <span title={formatZonedTime(device.lastContactAt)}>{formatRelative(device.lastContactAt)}</span>,
  },
  {
    id: 'status',
    label: () => i18n.t('Contact state'),
    sortKey: 'lastContact',
    render: (device) => <StatusTag status={device.status} />,
  },
];
