import { sql } from 'kysely';

import type { Db } from '../database.js';

/** The columns of one device that policy resolution reads. */
export interface DevicePolicyRow {
  id: string;
  device_id: string;
  policy_id: string | null;
  explicit_policy_id: string | null;
  enrolment_policy_id: string | null;
  policy_source: string | null;
  policy_source_unit_id: string | null;
  org_unit_path: string | null;
}

export interface OrgUnitPolicyListRow {
  org_unit_id: string;
  org_unit_name: string | null;
  org_unit_path: string | null;
  policy_id: string;
  policy_name: string | null;
  created_at: number;
  created_by: string | null;
}

const UPDATE_CHUNK = 500;

/** Policies assigned to org units, and the effective-policy columns of devices. */
export class OrgUnitPolicyRepository {
  constructor(private readonly db: Db) {}

  /** Assignments keyed by org unit id. */
  async mapAll(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('org_unit_policies').select(['org_unit_id', 'policy_id']).execute();
    return new Map(rows.map((row) => [row.org_unit_id, row.policy_id]));
  }

  async list(): Promise<OrgUnitPolicyListRow[]> {
    return this.db
      .selectFrom('org_unit_policies')
      .leftJoin('org_units', 'org_units.id', 'org_unit_policies.org_unit_id')
      .leftJoin('policies', 'policies.id', 'org_unit_policies.policy_id')
      .select([
        'org_unit_policies.org_unit_id',
        'org_units.name as org_unit_name',
        'org_units.path as org_unit_path',
        'org_unit_policies.policy_id',
        'policies.name as policy_name',
        'org_unit_policies.created_at',
        'org_unit_policies.created_by',
      ])
      .orderBy('org_units.path')
      .execute();
  }

  async find(orgUnitId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('org_unit_policies').select('policy_id').where('org_unit_id', '=', orgUnitId).executeTakeFirst();
    return row?.policy_id;
  }

  async set(orgUnitId: string, policyId: string, createdBy: string, now: number): Promise<void> {
    await this.db
      .insertInto('org_unit_policies')
      .values({ org_unit_id: orgUnitId, policy_id: policyId, created_at: now, created_by: createdBy })
      .onConflict((oc) => oc.column('org_unit_id').doUpdateSet({ policy_id: policyId, created_at: now, created_by: createdBy }))
      .execute();
  }

  async remove(orgUnitId: string): Promise<void> {
    await this.db.deleteFrom('org_unit_policies').where('org_unit_id', '=', orgUnitId).execute();
  }

  /**
   * Lists the policy inputs of devices: every device when `subtreePath` is
   * null, otherwise those whose unit path starts with it, or only `devicePk`.
   */
  async listDeviceInputs(options: { subtreePath?: string | null; devicePk?: string }): Promise<DevicePolicyRow[]> {
    let query = this.db
      .selectFrom('devices')
      .leftJoin('org_units', 'org_units.id', 'devices.org_unit_id')
      .select([
        'devices.id',
        'devices.device_id',
        'devices.policy_id',
        'devices.explicit_policy_id',
        'devices.enrolment_policy_id',
        'devices.policy_source',
        'devices.policy_source_unit_id',
        'org_units.path as org_unit_path',
      ]);
    if (options.devicePk !== undefined) query = query.where('devices.id', '=', options.devicePk);
    const prefix = options.subtreePath;
    if (prefix) query = query.where(sql<boolean>`substr(org_units.path, 1, ${prefix.length}) = ${prefix}`);
    return query.orderBy('devices.id').execute();
  }

  /** Stores one effective policy and its source on every device in `devicePks`. */
  async setEffective(
    devicePks: readonly string[],
    effective: { policyId: string | null; source: string; sourceUnitId: string | null },
    now: number,
  ): Promise<void> {
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let start = 0; start < devicePks.length; start += UPDATE_CHUNK) {
      await this.db
        .updateTable('devices')
        .set({
          policy_id: effective.policyId,
          policy_source: effective.source,
          policy_source_unit_id: effective.sourceUnitId,
          updated_at: now,
        })
        .where('id', 'in', devicePks.slice(start, start + UPDATE_CHUNK))
        .execute();
    }
  }

  /** Counts the devices whose effective policy or own policy is `policyId`. */
  async countDevicesNaming(policyId: string): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('policy_id', '=', policyId), eb('explicit_policy_id', '=', policyId)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Forgets a policy as the enrolment default of devices, before the policy
   * is deleted. Those devices then have no policy unless a unit gives one.
   */
  async forgetEnrolmentPolicy(policyId: string): Promise<void> {
    await this.db.updateTable('devices').set({ enrolment_policy_id: null }).where('enrolment_policy_id', '=', policyId).execute();
  }

  /** Sets the policy given on the device itself (null removes it). */
  async setExplicit(devicePk: string, policyId: string | null): Promise<void> {
    await this.db.updateTable('devices').set({ explicit_policy_id: policyId }).where('id', '=', devicePk).execute();
  }
}

