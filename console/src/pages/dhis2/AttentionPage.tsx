import i18n from '@dhis2/d2-i18n';
import {
  DataTable,
  DataTableBody,
  DataTableCell,
  DataTableColumnHeader,
  DataTableHead,
  DataTableRow,
  NoticeBox,
} from '@dhis2/ui';
import { useState, type ReactNode } from 'react';

import { fetchAttention, type AttentionDevice, type Counted } from '../../api/dhis2.js';
import { fetchOrgUnits } from '../../api/org-units.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { formatTime, orDash } from '../../components/format.js';
import { Loading } from '../../components/Loading.js';
import { PageHeader } from '../../components/PageHeader.js';
import { Section } from '../../components/Section.js';
import { routeHref } from '../../router.js';
import { useApiData } from '../../use-api-data.js';
import { OrgUnitTreePicker } from '../users/OrgUnitTreePicker.js';
import styles from './Dhis2.module.css';
import { Dhis2Tabs } from './Dhis2Tabs.js';

/** Devices and DHIS2 users a manager should look at, from the last DHIS2 sync. */
export function AttentionPage() {
  const [orgUnitId, setOrgUnitId] = useState<string | null>(null);
  const units = useApiData(fetchOrgUnits, []);
  const list = useApiData(() => fetchAttention(orgUnitId ?? undefined), [orgUnitId]);
  const data = list.data;

  return (
    <>
      <PageHeader title={i18n.t('DHIS2')} />
      <Dhis2Tabs current="/dhis2/attention" />
      {units.data && units.data.length > 0 && (
        <Section title={i18n.t('Org unit')} dataTest="attention-org-unit">
          <p className={styles.help}>{i18n.t('Tick a unit to see only its subtree; untick it to see everything in your scope.')}</p>
          <OrgUnitTreePicker
            units={units.data}
            selected={orgUnitId ? [orgUnitId] : []}
            onChange={(selected) => setOrgUnitId(selected[0] ?? null)}
            single
            dataTest="attention-org-unit-tree"
          />
        </Section>
      )}
      <ErrorNotice error={list.error} title={i18n.t('The attention list could not be loaded')} />
      {!data && list.loading && <Loading />}
      {data && data.lastSyncAt === null && (
        <NoticeBox warning title={i18n.t('No DHIS2 sync yet')}>
          {i18n.t('Connect DHIS2 and run a sync; until then the list knows no DHIS2 users.')}
        </NoticeBox>
      )}
      {data && (
        <>
          <DeviceSection
            title={i18n.t('Devices of disabled or removed DHIS2 users')}
            help={i18n.t('The health worker can no longer sign in to DHIS2 Capture: collect the phone or assign it to someone else.')}
            list={data.inactiveUser}
            dataTest="attention-inactive-user"
          />
          <Section title={i18n.t('Users with several devices ({{count}})', { count: data.severalDevices.total })} dataTest="attention-several-devices">
            {data.severalDevices.items.length === 0 ? (
              <p className={styles.muted}>{i18n.t('None.')}</p>
            ) : (
              <ul>
                {data.severalDevices.items.map((item) => (
                  <li key={item.userId}>
                    {item.username ?? item.userId}:{' '}
                    {item.devices.map((device, index) => (
                      <span key={device.pk}>
                        {index > 0 && ', '}
                        <a href={routeHref(`/devices/${device.pk}`)}>{device.deviceId}</a>
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <DeviceSection
            title={i18n.t('Devices without a DHIS2 user')}
            help={i18n.t('Assign each phone to the health worker who carries it, on the device page or by CSV under Assignments.')}
            list={data.noUser}
            dataTest="attention-no-user"
          />
          <Section title={i18n.t('DHIS2 users without a device ({{count}})', { count: data.noDevice.total })} dataTest="attention-no-device">
            <p className={styles.help}>{i18n.t('Active users of your org units that no phone is assigned to.')}</p>
            <Table
              headers={[i18n.t('Username'), i18n.t('Name'), i18n.t('Last login'), i18n.t('Org units')]}
              rows={data.noDevice.items.map((user) => [user.username, user.name, formatTime(user.lastLoginAt), user.orgUnitIds.join(', ')])}
            />
          </Section>
          <DeviceSection
            title={i18n.t('Devices in org units removed from DHIS2')}
            help={i18n.t('Outpost keeps removed units so that these phones keep their place; move them to a current unit.')}
            list={data.removedUnit}
            dataTest="attention-removed-unit"
          />
        </>
      )}
    </>
  );
}

function DeviceSection({ title, help, list, dataTest }: { title: string; help: string; list: Counted<AttentionDevice>; dataTest: string }) {
  return (
    <Section title={`${title} (${list.total})`} dataTest={dataTest}>
      <p className={styles.help}>{help}</p>
      <Table
        headers={[i18n.t('Device'), i18n.t('Model'), i18n.t('Org unit'), i18n.t('DHIS2 user'), i18n.t('Last contact')]}
        rows={list.items.map((device) => [
          <a key="link" href={routeHref(`/devices/${device.pk}`)}>
            {device.deviceId}
          </a>,
          orDash(device.model),
          orDash(device.orgUnitName ?? device.orgUnitId),
          device.username
            ? `${device.username}${device.userDisabled ? ` (${i18n.t('disabled')})` : ''}${device.userRemoved ? ` (${i18n.t('removed')})` : ''}`
            : '–',
          formatTime(device.lastContactAt),
        ])}
      />
    </Section>
  );
}

function Table({ headers, rows }: { headers: string[]; rows: ReactNode[][] }) {
  if (rows.length === 0) return <p className={styles.muted}>{i18n.t('None.')}</p>;
  return (
    <DataTable>
      <DataTableHead>
        <DataTableRow>
          {headers.map((header) => (
            <DataTableColumnHeader key={header}>{header}</DataTableColumnHeader>
          ))}
        </DataTableRow>
      </DataTableHead>
      <DataTableBody>
        {rows.map((cells, index) => (
          <DataTableRow key={index}>
            {cells.map((cell, at) => (
              <DataTableCell key={at}>{cell}</DataTableCell>
            ))}
          </DataTableRow>
        ))}
      </DataTableBody>
    </DataTable>
  );
}
