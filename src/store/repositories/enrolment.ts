import type { Db } from '../database.js';
import type { EnrolmentTokenRow } from '../schema.js';

/** Enrolment tokens: the unguessable values QR codes carry as the agent's configuration. */
export class EnrolmentRepository {
  constructor(private readonly db: Db) {}

  async insert(token: {
    id: string;
    policyId: string;
    orgUnitId: string | null;
    presetDeviceId: string | null;
    label: string;
    expiresAt: number | null;
    usesLeft: number | null;
    createdBy: string | null;
    qrOptions?: Record<string, unknown> | null;
  }, now = Date.now()): Promise<void> {
    await this.db
      .insertInto('enrolment_tokens')
      .values({
        id: token.id,
        policy_id: token.policyId,
        org_unit_id: token.orgUnitId,
        preset_device_id: token.presetDeviceId,
        label: token.label,
        expires_at: token.expiresAt,
        uses_left: token.usesLeft,
        revoked_at: null,
        qr_options_json: token.qrOptions ? JSON.stringify(token.qrOptions) : null,
        created_at: now,
        created_by: token.createdBy,
      })
      .execute();
  }

  async findById(id: string): Promise<EnrolmentTokenRow | undefined> {
    return this.db.selectFrom('enrolment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(): Promise<EnrolmentTokenRow[]> {
    return this.db.selectFrom('enrolment_tokens').selectAll().orderBy('created_at', 'desc').execute();
  }

  /**
   * Takes one use of a token with a use limit. Returns false when none is
   * left; the conditional update keeps two enrolments from taking the last use.
   */
  async consumeUse(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('enrolment_tokens')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
      .where('id', '=', id)
      .where('uses_left', '>', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revoke(id: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('enrolment_tokens').set({ revoked_at: now }).where('id', '=', id).execute();
  }

  /** Counts a policy's tokens that can still enrol a device: not revoked, not expired, with uses left. */
  async countActiveByPolicy(policyId: string, now = Date.now()): Promise<number> {
    const row = await this.db
      .selectFrom('enrolment_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('policy_id', '=', policyId)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('uses_left', 'is', null), eb('uses_left', '>', 0)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes a policy's tokens that can no longer enrol a device; returns how many it deleted. */
  async deleteInactiveByPolicy(policyId: string, now = Date.now()): Promise<number> {
    const result = await this.db
      .deleteFrom('enrolment_tokens')
      .where('policy_id', '=', policyId)
      .where((eb) =>
        eb.or([eb('revoked_at', 'is not', null), eb('expires_at', '<=', now), eb('uses_left', '<=', 0)]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
