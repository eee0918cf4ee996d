import { sql, type SqlBool } from 'kysely';

import type { Db } from '../database.js';
import { deviceInScope, type DeviceScopeFilter } from '../device-scope-filter.js';

export interface AttentionDevice {
  pk: string;
  deviceId: string;
  model: string | null;
  serial: string | null;
  orgUnitId: string | null;
  orgUnitName: string | null;
  lastContactAt: number | null;
  dhis2UserId: string | null;
  username: string | null;
  userDisabled: boolean;
  userRemoved: boolean;
}

export interface AttentionUser {
  id: string;
  username: string;
  name: string;
  lastLoginAt: number | null;
  orgUnitIds: string[];
}

/** A limited list and how many there are in all. */
export interface Counted<T> {
  total: number;
  items: T[];
}

/** Queries behind the DHIS2 attention list: devices and DHIS2 users that need a manager's look. */
export class Dhis2AttentionRepository {
  constructor(private readonly db: Db) {}

  /** Devices assigned to a DHIS2 user who is disabled or gone from DHIS2. */
  async devicesWithInactiveUser(scope: DeviceScopeFilter, limit: number): Promise<Counted<AttentionDevice>> {
    const inactive = sql<SqlBool>`(u.disabled = 1 or u.removed_at is not null)`;
    const total = await this.devices(scope).innerJoin('dhis2_users as u', 'u.id', 'devices.dhis2_user_id').where(inactive).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const items = await this.deviceRows(scope).where(inactive).orderBy('u.username').orderBy('devices.id').limit(limit).execute();
    return { total: Number(total?.n ?? 0), items: items.map(toDevice) };
  }

  async devicesWithoutUser(scope: DeviceScopeFilter, limit: number): Promise<Counted<AttentionDevice>> {
    const total = await this.devices(scope).where('devices.dhis2_user_id', 'is', null).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const items = await this.deviceRows(scope).where('devices.dhis2_user_id', 'is', null).orderBy('devices.device_id').limit(limit).execute();
    return { total: Number(total?.n ?? 0), items: items.map(toDevice) };
  }

  /** Devices whose org unit was removed in DHIS2. */
  async devicesInRemovedUnits(scope: DeviceScopeFilter, limit: number): Promise<Counted<AttentionDevice>> {
    const removed = sql<SqlBool>`o.removed_at is not null`;
    const total = await this.devices(scope).innerJoin('org_units as o', 'o.id', 'devices.org_unit_id').where(removed).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const items = await this.deviceRows(scope).where(removed).orderBy('o.name').orderBy('devices.device_id').limit(limit).execute();
    return { total: Number(total?.n ?? 0), items: items.map(toDevice) };
  }

  /** DHIS2 users with more than one device in scope, each with those devices. */
  async usersWithSeveralDevices(scope: DeviceScopeFilter, limit: number): Promise<Counted<{ userId: string; username: string | null; devices: AttentionDevice[] }>> {
    const grouped = await this.devices(scope)
      .where('devices.dhis2_user_id', 'is not', null)
      .select(['devices.dhis2_user_id as userId', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('devices.dhis2_user_id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .orderBy('devices.dhis2_user_id')
      .execute();

    const shown = grouped.slice(0, limit).map((row) => row.userId as string);
    const rows = shown.length === 0 ? [] : await this.deviceRows(scope).where('devices.dhis2_user_id', 'in', shown).orderBy('devices.device_id').execute();
    const items = shown.map((userId) => {
      const devices = rows.filter((row) => row.dhis2_user_id === userId).map(toDevice);
      return { userId, username: devices[0]?.username ?? null, devices };
    });
    return { total: grouped.length, items };
  }

  /**
   * Active DHIS2 users of units under `paths` (every unit when null) that
   * no device is assigned to.
   */
  async usersWithoutDevice(paths: readonly string[] | null, limit: number): Promise<Counted<AttentionUser>> {
    if (paths !== null && paths.length === 0) return { total: 0, items: [] };

    const inUnits = (alias: string) => {
      if (paths === null) return sql<SqlBool>`exists (select 1 from dhis2_user_org_units uo where uo.user_id = ${sql.ref(alias)})`;
      const prefixes = paths.map((path) => sql`substr(o.path, 1, ${path.length}) = ${path}`);
      return sql<SqlBool>`exists (select 1 from dhis2_user_org_units uo join org_units o on o.id = uo.org_unit_id
        where uo.user_id = ${sql.ref(alias)} and (${sql.join(prefixes, sql` or `)}))`;
    };
    const base = this.db
      .selectFrom('dhis2_users as u')
      .where('u.removed_at', 'is', null)
      .where('u.disabled', '=', 0)
      .where(inUnits('u.id'))
      .where(sql<SqlBool>`not exists (select 1 from devices d where d.dhis2_user_id = u.id)`);

    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await base.select(['u.id', 'u.username', 'u.first_name', 'u.surname', 'u.last_login_at']).orderBy('u.username').limit(limit).execute();
    const units = rows.length === 0 ? [] : await this.db.selectFrom('dhis2_user_org_units').select(['user_id', 'org_unit_id']).where('user_id', 'in', rows.map((row) => row.id)).execute();

    return {
      total: Number(total?.n ?? 0),
      items: rows.map((row) => ({
        id: row.id,
        username: row.username,
        name: `${row.first_name} ${row.surname}`.trim(),
        lastLoginAt: row.last_login_at === null ? null : Number(row.last_login_at),
        orgUnitIds: units.filter((unit) => unit.user_id === row.id).map((unit) => unit.org_unit_id),
      })),
    };
  }

  /** Devices assigned to any of these DHIS2 users, with what rollout scope matching reads. */
  async devicesOfUsers(userIds: readonly string[]): Promise<{ id: string; device_id: string; policy_id: string | null; org_unit_id: string | null }[]> {
    const devices: { id: string; device_id: string; policy_id: string | null; org_unit_id: string | null }[] = [];
    // Chunks keep the IN list under the parameter limits of both databases.
    for (let start = 0; start < userIds.length; start += 500) {
      const rows = await this.db
        .selectFrom('devices')
        .select(['id', 'device_id', 'policy_id', 'org_unit_id'])
        .where('dhis2_user_id', 'in', userIds.slice(start, start + 500))
        .execute();
      devices.push(...rows);
    }
    return devices;
  }

  private devices(scope: DeviceScopeFilter) {
    return this.db.selectFrom('devices').where(deviceInScope(scope));
  }

  private deviceRows(scope: DeviceScopeFilter) {
    return this.devices(scope)
      .leftJoin('dhis2_users as u', 'u.id', 'devices.dhis2_user_id')
      .leftJoin('org_units as o', 'o.id', 'devices.org_unit_id')
      .select([
        'devices.id',
        'devices.device_id',
        'devices.model',
        'devices.serial',
        'devices.org_unit_id',
        'o.name as org_unit_name',
        'devices.last_contact_at',
        'devices.dhis2_user_id',
        'u.username',
        'u.disabled',
        'u.removed_at',
      ]);
  }
}

interface DeviceRowShape {
  id: string;
  device_id: string;
  model: string | null;
  serial: string | null;
  org_unit_id: string | null;
  org_unit_name: string | null;
  last_contact_at: number | null;
  dhis2_user_id: string | null;
  username: string | null;
  disabled: number | null;
  removed_at: number | null;
}

function toDevice(row: DeviceRowShape): AttentionDevice {
  return {
    pk: row.id,
    deviceId: row.device_id,
    model: row.model,
    serial: row.serial,
    orgUnitId: row.org_unit_id,
    orgUnitName: row.org_unit_name,
    lastContactAt: row.last_contact_at === null ? null : Number(row.last_contact_at),
    dhis2UserId: row.dhis2_user_id,
    username: row.username,
    userDisabled: row.disabled === 1,
    userRemoved: row.removed_at !== null,
  };
}
