import type { Db } from '../database.js';
import { deviceInScope, type DeviceScopeFilter } from '../device-scope-filter.js';
import { newId } from '../ids.js';

export interface LocationFix {
  takenAt: number;
  lat: number;
  lon: number;
}

export interface StoredFix {
  taken_at: number;
  lat: number;
  lon: number;
  received_at: number;
}

export interface LocationRejectionRow {
  reason: string;
  count: number;
  first_at: number;
  last_at: number;
  last_taken_at: number | null;
  last_lat: number | null;
  last_lon: number | null;
}

/** A device's last position with the fields the fleet map shows. */
export interface FleetPositionRow {
  id: string;
  device_id: string;
  model: string | null;
  serial: string | null;
  org_unit_id: string | null;
  battery_level: number | null;
  last_contact_at: number | null;
  last_lat: number;
  last_lon: number;
  last_location_at: number;
  lost_mode_since: number | null;
}

/** Filter of the devices the fleet map and its exports include. */
export interface FleetPositionFilter {
  /** Leave out devices whose last fix is older than this time; null keeps every device. */
  takenSince: number | null;
  /** The caller's org units; null for every device. */
  scope: DeviceScopeFilter;
}

/** Location history, one row per device and time taken, and the counts of rejected fixes. */
export class LocationRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a fix unless one with the same device and time taken is stored
   * already; returns whether it stored a new row.
   */
  async append(devicePk: string, fix: LocationFix, receivedAt: number): Promise<boolean> {
    const result = await this.db
      .insertInto('locations')
      .values({ id: newId(), device_pk: devicePk, taken_at: fix.takenAt, lat: fix.lat, lon: fix.lon, received_at: receivedAt })
      .onConflict((oc) => oc.columns(['device_pk', 'taken_at']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Lists the newest fixes taken within [from, to], newest first. */
  async listForDevice(devicePk: string, from: number, to: number, limit: number): Promise<StoredFix[]> {
    return this.db
      .selectFrom('locations')
      .select(['taken_at', 'lat', 'lon', 'received_at'])
      .where('device_pk', '=', devicePk)
      .where('taken_at', '>=', from)
      .where('taken_at', '<=', to)
      .orderBy('taken_at', 'desc')
      .limit(limit)
      .execute();
  }

  /**
   * Moves the device's last position to `fix` when the fix was taken after
   * the stored one, in one conditional UPDATE so that two reports racing
   * cannot move it backwards. Returns whether it moved.
   */
  async advanceLastPosition(devicePk: string, fix: LocationFix): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ last_lat: fix.lat, last_lon: fix.lon, last_location_at: fix.takenAt })
      .where('id', '=', devicePk)
      .where((eb) => eb.or([eb('last_location_at', 'is', null), eb('last_location_at', '<', fix.takenAt)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Counts one rejected fix for the device and reason; returns the new count.
   * A NaN or infinite coordinate is stored as null, because JSON responses
   * cannot carry it.
   */
  async recordRejection(devicePk: string, reason: string, fix: LocationFix, now: number): Promise<number> {
    const lat = Number.isFinite(fix.lat) ? fix.lat : null;
    const lon = Number.isFinite(fix.lon) ? fix.lon : null;
    const row = await this.db
      .insertInto('location_rejections')
      .values({
        device_pk: devicePk,
        reason,
        count: 1,
        first_at: now,
        last_at: now,
        last_taken_at: fix.takenAt,
        last_lat: lat,
        last_lon: lon,
      })
      .onConflict((oc) =>
        oc.columns(['device_pk', 'reason']).doUpdateSet((eb) => ({
          count: eb('location_rejections.count', '+', 1),
          last_at: now,
          last_taken_at: fix.takenAt,
          last_lat: lat,
          last_lon: lon,
        })),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async listRejections(devicePk: string): Promise<LocationRejectionRow[]> {
    return this.db
      .selectFrom('location_rejections')
      .select(['reason', 'count', 'first_at', 'last_at', 'last_taken_at', 'last_lat', 'last_lon'])
      .where('device_pk', '=', devicePk)
      .orderBy('reason')
      .execute();
  }

  /**
   * Selects the devices with a last position, for the fleet map and its
   * exports. Every fleet-wide location read goes through here, so the
   * caller's org-unit scope is applied in this one query.
   */
  async listFleetPositions(filter: FleetPositionFilter): Promise<FleetPositionRow[]> {
    let query = this.db
      .selectFrom('devices')
      .select([
        'id',
        'device_id',
        'model',
        'serial',
        'org_unit_id',
        'battery_level',
        'last_contact_at',
        'last_lat',
        'last_lon',
        'last_location_at',
        'lost_mode_since',
      ])
      .where('last_lat', 'is not', null)
      .where('last_lon', 'is not', null)
      .where('last_location_at', 'is not', null)
      .where(deviceInScope(filter.scope));
    if (filter.takenSince !== null) query = query.where('last_location_at', '>=', filter.takenSince);

    const rows = await query.orderBy('device_id').execute();
    return rows as FleetPositionRow[];
  }

  /**
   * Deletes fixes taken before `cutoff` on every device, using the index on
   * taken_at, and returns how many it deleted. Rejection counts whose last
   * rejection came before `cutoff` go too, because they keep the rejected
   * fix's coordinates. Devices keep their last position, which lives on the
   * device row.
   */
  async deleteOlderThan(cutoff: number): Promise<number> {
    const result = await this.db.deleteFrom('locations').where('taken_at', '<', cutoff).executeTakeFirst();
    await this.db.deleteFrom('location_rejections').where('last_at', '<', cutoff).execute();
    return Number(result.numDeletedRows);
  }
}
