import type { Db } from '../database.js';
import type { DeviceIdClaimRow } from '../schema.js';

export interface DeviceIdClaim {
  serial: string | null;
  imei: string | null;
  ip: string;
}

/** Second phones seen using the device id of an enrolled phone, one row per enrolled device. */
export class DeviceIdClaimRepository {
  constructor(private readonly db: Db) {}

  /** Records a claim, or counts a repeat and keeps the latest claimant's identity. */
  async record(devicePk: string, claim: DeviceIdClaim, now: number): Promise<void> {
    await this.db
      .insertInto('device_id_claims')
      .values({
        device_pk: devicePk,
        first_claimed_at: now,
        last_claimed_at: now,
        claim_count: 1,
        claimant_serial: claim.serial,
        claimant_imei: claim.imei,
        claimant_ip: claim.ip,
      })
      .onConflict((oc) =>
        oc.column('device_pk').doUpdateSet((eb) => ({
          last_claimed_at: now,
          claim_count: eb('device_id_claims.claim_count', '+', 1),
          claimant_serial: claim.serial,
          claimant_imei: claim.imei,
          claimant_ip: claim.ip,
        })),
      )
      .execute();
  }

  async find(devicePk: string): Promise<DeviceIdClaimRow | undefined> {
    return this.db.selectFrom('device_id_claims').selectAll().where('device_pk', '=', devicePk).executeTakeFirst();
  }

  /** Lists claims, latest first. */
  async list(limit: number): Promise<DeviceIdClaimRow[]> {
    return this.db.selectFrom('device_id_claims').selectAll().orderBy('last_claimed_at', 'desc').limit(limit).execute();
  }

  /** Deletes the claim of a device and returns whether it had one. */
  async remove(devicePk: string): Promise<boolean> {
    const result = await this.db.deleteFrom('device_id_claims').where('device_pk', '=', devicePk).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
