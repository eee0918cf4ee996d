import { sql } from 'kysely';

import type { Db } from '../database.js';
import type { DevicePolicyStateRow } from '../schema.js';

/** Devices of one policy by where they stand with its current version. */
export interface PolicyRolloutCounts {
  applied: number;
  /** Fetched an older version, or the current one without a report since. */
  pending: number;
  neverFetched: number;
}

/** The policy version, override revision and app entries of a configuration sent to a device. */
export interface FetchedPolicy {
  policyId: string | null;
  policyVersion: number | null;
  overrideRevision: number;
  appsJson: string;
}

/** Per-device record of the policy version fetched and the one applied. */
export class PolicyStateRepository {
  constructor(private readonly db: Db) {}

  async find(devicePk: string): Promise<DevicePolicyStateRow | undefined> {
    return this.db.selectFrom('device_policy_state').selectAll().where('device_pk', '=', devicePk).executeTakeFirst();
  }

  /** Records a configuration fetch; the applied columns keep their values until the next report. */
  async recordFetch(devicePk: string, fetched: FetchedPolicy, now: number): Promise<void> {
    const values = {
      fetched_policy_id: fetched.policyId,
      fetched_policy_version: fetched.policyVersion,
      fetched_override_revision: fetched.overrideRevision,
      fetched_apps_json: fetched.appsJson,
      fetched_at: now,
    };
    await this.db
      .insertInto('device_policy_state')
      .values({ device_pk: devicePk, ...values })
      .onConflict((conflict) => conflict.column('device_pk').doUpdateSet(values))
      .execute();
  }

  /**
   * Clears what an earlier installation of the phone fetched and applied,
   * which is every column set before `enrolledAt`, the current enrolment time.
   */
  async forgetEarlierEnrolment(devicePk: string, enrolledAt: number): Promise<void> {
    await this.db
      .updateTable('device_policy_state')
      .set({
        fetched_policy_id: null,
        fetched_policy_version: null,
        fetched_override_revision: null,
        fetched_apps_json: null,
        fetched_at: null,
      })
      .where('device_pk', '=', devicePk)
      .where('fetched_at', '<', enrolledAt)
      .execute();
    await this.db
      .updateTable('device_policy_state')
      .set({ applied_policy_id: null, applied_policy_version: null, applied_override_revision: null, applied_at: null })
      .where('device_pk', '=', devicePk)
      .where('applied_at', '<', enrolledAt)
      .execute();
  }

  /** Stores the permissions array of a device report. */
  async recordPermissions(devicePk: string, permissionsJson: string): Promise<void> {
    await this.db
      .insertInto('device_policy_state')
      .values({ device_pk: devicePk, reported_permissions_json: permissionsJson })
      .onConflict((conflict) => conflict.column('device_pk').doUpdateSet({ reported_permissions_json: permissionsJson }))
      .execute();
  }

  /**
   * Copies the fetched version to the applied columns when they differ.
   * Returns true when the applied version changed.
   */
  async markApplied(devicePk: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('device_policy_state')
      .set((eb) => ({
        applied_policy_id: eb.ref('fetched_policy_id'),
        applied_policy_version: eb.ref('fetched_policy_version'),
        applied_override_revision: eb.ref('fetched_override_revision'),
        applied_at: now,
      }))
      .where('device_pk', '=', devicePk)
      .where('fetched_at', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('applied_at', 'is', null),
          eb(eb.fn.coalesce('applied_policy_id', eb.val('')), '!=', eb.fn.coalesce('fetched_policy_id', eb.val(''))),
          eb(eb.fn.coalesce('applied_policy_version', eb.val(-1)), '!=', eb.fn.coalesce('fetched_policy_version', eb.val(-1))),
          eb(eb.fn.coalesce('applied_override_revision', eb.val(-1)), '!=', eb.fn.coalesce('fetched_override_revision', eb.val(-1))),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Counts each policy's devices by state against the policy's current
   * version and each device's current override revision.
   */
  async countByPolicy(): Promise<Map<string, PolicyRolloutCounts>> {
    const rows = await this.db
      .selectFrom('devices')
      .innerJoin('policies', 'policies.id', 'devices.policy_id')
      .leftJoin('device_policy_state as state', 'state.device_pk', 'devices.id')
      .leftJoin('device_overrides as overrides', 'overrides.device_pk', 'devices.id')
      .select((eb) => [
        'devices.policy_id as policyId',
        eb.fn.countAll<number | string>().as('total'),
        sql<number | string>`sum(case when ${eb.ref('state.fetched_at')} is null then 1 else 0 end)`.as('neverFetched'),
        sql<number | string>`sum(case when ${eb.ref('state.applied_policy_id')} = ${eb.ref('devices.policy_id')}
          and ${eb.ref('state.applied_policy_version')} = ${eb.ref('policies.version')}
          and coalesce(${eb.ref('state.applied_override_revision')}, 0) = coalesce(${eb.ref('overrides.revision')}, 0)
          then 1 else 0 end)`.as('applied'),
      ])
      .groupBy('devices.policy_id')
      .execute();

    const counts = new Map<string, PolicyRolloutCounts>();
    for (const row of rows) {
      const total = Number(row.total);
      const applied = Number(row.applied ?? 0);
      const neverFetched = Number(row.neverFetched ?? 0);
      counts.set(row.policyId!, { applied, neverFetched, pending: total - applied - neverFetched });
    }
    return counts;
  }

  /** Counts the policy's devices by the version of it they applied last. */
  async countAppliedVersions(policyId: string): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('devices')
      .innerJoin('device_policy_state as state', 'state.device_pk', 'devices.id')
      .select((eb) => ['state.applied_policy_version as version', eb.fn.countAll<number | string>().as('devices')])
      .where('devices.policy_id', '=', policyId)
      .where('state.applied_policy_id', '=', policyId)
      .groupBy('state.applied_policy_version')
      .execute();
    return new Map(rows.filter((row) => row.version !== null).map((row) => [Number(row.version), Number(row.devices)]));
  }
}
