import type { Db } from '../database.js';
import { newId } from '../ids.js';

export interface LocationFix {
  takenAt: number;
  lat: number;
  lon: number;
}

/** Location history, one row per fix as the device reported it. */
export class LocationRepository {
  constructor(private readonly db: Db) {}

  /** Appends a fix; a fix already stored for the same device and time is kept once. */
  async append(devicePk: string, fix: LocationFix, receivedAt: number): Promise<void> {
    await this.db
      .insertInto('locations')
      .values({ id: newId(), device_pk: devicePk, taken_at: fix.takenAt, lat: fix.lat, lon: fix.lon, received_at: receivedAt })
      .onConflict((oc) => oc.columns(['device_pk', 'taken_at']).doNothing())
      .execute();
  }

  async listForDevice(devicePk: string, from: number, to: number, limit: number) {
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
}
