import i18n from '@dhis2/d2-i18n';

import type { DeviceDetail, OrgUnit } from '../../api/types.js';
import { FieldList } from '../../components/FieldList.js';
import { formatPercent, formatRelative, formatTime, orDash } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { StatusTag } from '../../components/StatusTag.js';

function yesNo(value: number | null): string {
  if (value === null) return '–';
  return value ? i18n.t('Yes') : i18n.t('No');
}

function battery(device: DeviceDetail): string {
  const level = formatPercent(device.batteryLevel);
  if (!device.batteryCharging) return level;
  return i18n.t('{{level}} (charging: {{source}})', { level, source: device.batteryCharging });
}

function orgUnitName(device: DeviceDetail, orgUnits: OrgUnit[]): string {
  if (device.orgUnitId === null) return '–';
  return orgUnits.find((unit) => unit.id === device.orgUnitId)?.name ?? device.orgUnitId;
}

/** Hardware, software and contact fields of one device. */
export function DeviceInventory({ device, orgUnits }: { device: DeviceDetail; orgUnits: OrgUnit[] }) {
  const items = [
    { label: i18n.t('Status'), value: <StatusTag status={device.status} /> },
    {
      label: i18n.t('Last contact'),
      value: `${formatRelative(device.lastContactAt)} (${formatTime(device.lastContactAt)})`,
    },
    { label: i18n.t('Device ID'), value: device.deviceId },
    { label: i18n.t('Serial number'), value: orDash(device.serial) },
    { label: i18n.t('IMEI'), value: orDash(device.imei) },
    { label: i18n.t('Second IMEI'), value: orDash(device.imei2) },
    { label: i18n.t('Model'), value: orDash(device.model) },
    { label: i18n.t('Android version'), value: orDash(device.androidVersion) },
    { label: i18n.t('CPU'), value: orDash(device.cpu) },
    { label: i18n.t('Battery'), value: battery(device) },
    { label: i18n.t('Agent package'), value: orDash(device.agentPackage) },
    { label: i18n.t('Agent version'), value: orDash(device.agentVersion) },
    { label: i18n.t('Agent build'), value: orDash(device.launcherType) },
    { label: i18n.t('Device owner'), value: yesNo(device.mdmMode) },
    { label: i18n.t('Policy'), value: orDash(device.policyName) },
    { label: i18n.t('Organisation unit'), value: orgUnitName(device, orgUnits) },
    { label: i18n.t('Enrolled'), value: formatTime(device.enrolledAt) },
    { label: i18n.t('Enrolment generation'), value: device.enrolmentGeneration },
  ];
  return (
    <Section title={i18n.t('Inventory')} dataTest="device-inventory">
      <FieldList items={items} />
    </Section>
  );
}
