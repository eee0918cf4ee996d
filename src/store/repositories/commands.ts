import { sql } from 'kysely';

import { PUSH_COMMAND_TYPES } from '../../domain/command-catalog.js';
import { dialectOf, type Db } from '../database.js';
import { newId } from '../ids.js';
import type { CommandRow, CommandState } from '../schema.js';
import { lockForUpdate } from '../sql-helpers.js';

const OPEN_STATES: CommandState[] = ['queued', 'sent'];

// Types whose payload holds a secret: the new screen-lock password. The
// payload is cleared when the command reaches a final state, so the
// password stays in the database only while the device may still need it.
const SECRET_PAYLOAD_TYPES = ['passwordReset'];

// Push messages reach the device at once and are never acknowledged, so a
// sent push command has nothing left to expire or cancel.
const PUSH_TYPES: string[] = [...PUSH_COMMAND_TYPES];

/** Column changes that move a command to a final state, clearing a secret payload. */
function finalState(state: CommandState, now: number) {
  const secret = sql.join(SECRET_PAYLOAD_TYPES.map((type) => sql.lit(type)));
  return {
    state,
    updated_at: now,
    payload_json: sql<string | null>`case when type in (${secret}) then null else payload_json end`,
  };
}

/** Sets the state, clearing a secret payload when the state is final. */
function stateChange(state: CommandState, now: number) {
  return OPEN_STATES.includes(state) ? { state, updated_at: now } : finalState(state, now);
}

/** One-shot device commands bound to a device and its enrolment generation. */
export class CommandRepository {
  constructor(private readonly db: Db) {}

  async insert(command: {
    devicePk: string;
    generation: number;
    type: string;
    payload?: unknown;
    createdBy: string | null;
    expiresAt?: number | null;
    bulkJobId?: string | null;
  }, now = Date.now()): Promise<string> {
    const id = newId();
    await this.db
      .insertInto('commands')
      .values({
        id,
        device_pk: command.devicePk,
        generation: command.generation,
        type: command.type,
        payload_json: command.payload === undefined ? null : JSON.stringify(command.payload),
        state: 'queued',
        created_by: command.createdBy,
        created_at: now,
        updated_at: now,
        expires_at: command.expiresAt ?? null,
        bulk_job_id: command.bulkJobId ?? null,
      })
      .execute();
    return id;
  }

  /** Lists queued or sent commands of this generation that have not expired. */
  async listOpen(devicePk: string, generation: number, now = Date.now()): Promise<CommandRow[]> {
    return this.db
      .selectFrom('commands')
      .selectAll()
      .where('device_pk', '=', devicePk)
      .where('generation', '=', generation)
      .where('state', 'in', OPEN_STATES)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at')
      .execute();
  }

  async listForDevice(devicePk: string, limit: number): Promise<CommandRow[]> {
    return this.db
      .selectFrom('commands')
      .selectAll()
      .where('device_pk', '=', devicePk)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Moves open commands of the given types to a new state; returns how many moved. */
  async transitionOpen(
    devicePk: string,
    generation: number,
    types: string[],
    state: CommandState,
    now = Date.now(),
  ): Promise<number> {
    const result = await this.db
      .updateTable('commands')
      .set(stateChange(state, now))
      .where('device_pk', '=', devicePk)
      .where('generation', '=', generation)
      .where('type', 'in', types)
      .where('state', 'in', OPEN_STATES)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async markSent(ids: string[], now = Date.now()): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('commands')
      .set({ state: 'sent', updated_at: now })
      .where('id', 'in', ids)
      .where('state', '=', 'queued')
      .execute();
  }

  /** Expires open commands of earlier enrolment generations so they never run. */
  async expireOtherGenerations(devicePk: string, generation: number, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('commands')
      .set(finalState('expired', now))
      .where('device_pk', '=', devicePk)
      .where('generation', '<>', generation)
      .where('state', 'in', OPEN_STATES)
      .execute();
  }

  /** Moves the given commands to a final state, skipping any that are no longer open. */
  async settleOpen(ids: string[], state: CommandState, now = Date.now()): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('commands')
      .set(stateChange(state, now))
      .where('id', 'in', ids)
      .where('state', 'in', OPEN_STATES)
      .execute();
  }

  /** Confirms the open, unexpired commands of the given types; returns how many it confirmed. */
  async confirmLive(devicePk: string, generation: number, types: string[], now = Date.now()): Promise<number> {
    const result = await this.db
      .updateTable('commands')
      .set(finalState('confirmed', now))
      .where('device_pk', '=', devicePk)
      .where('generation', '=', generation)
      .where('type', 'in', types)
      .where('state', 'in', OPEN_STATES)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Returns the most recently changed command of the given types in one generation. */
  async findLatestOfTypes(devicePk: string, generation: number, types: string[]): Promise<CommandRow | undefined> {
    return this.db
      .selectFrom('commands')
      .selectAll()
      .where('device_pk', '=', devicePk)
      .where('generation', '=', generation)
      .where('type', 'in', types)
      .orderBy('updated_at', 'desc')
      .executeTakeFirst();
  }

  /**
   * Queues a command, or updates the open command of the same type for this
   * device and generation, so a device has at most one open command per type.
   * An updated command goes back to 'queued' so the device receives the new
   * payload. Returns the command's id.
   */
  async queueOrUpdateOpen(command: {
    devicePk: string;
    generation: number;
    type: string;
    payload?: unknown;
    createdBy: string | null;
    expiresAt?: number | null;
  }, now = Date.now()): Promise<string> {
    // Inside a caller's transaction, the work joins it: Kysely cannot nest one.
    const inTransaction = <T>(work: (trx: Db) => Promise<T>) => (this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work));
    return inTransaction(async (trx) => {
      // Locking the device row makes a concurrent call for the same device
      // wait, so it finds the open command instead of inserting a second one.
      const deviceRow = trx.selectFrom('devices').select('id').where('id', '=', command.devicePk);
      await lockForUpdate(deviceRow, dialectOf(trx)).execute();

      const open = await trx
        .selectFrom('commands')
        .select('id')
        .where('device_pk', '=', command.devicePk)
        .where('generation', '=', command.generation)
        .where('type', '=', command.type)
        .where('state', 'in', OPEN_STATES)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();

      const payloadJson = command.payload === undefined ? null : JSON.stringify(command.payload);
      if (open) {
        await trx
          .updateTable('commands')
          .set({
            payload_json: payloadJson,
            state: 'queued',
            created_by: command.createdBy,
            updated_at: now,
            expires_at: command.expiresAt ?? null,
          })
          .where('id', '=', open.id)
          .execute();
        return open.id;
      }

      const id = newId();
      await trx
        .insertInto('commands')
        .values({
          id,
          device_pk: command.devicePk,
          generation: command.generation,
          type: command.type,
          payload_json: payloadJson,
          state: 'queued',
          created_by: command.createdBy,
          created_at: now,
          updated_at: now,
          expires_at: command.expiresAt ?? null,
        })
        .execute();
      return id;
    });
  }

  /**
   * Marks queued or sent commands whose expiry time has come as 'expired';
   * returns how many it marked. A command expires at `expires_at`, the first
   * moment listOpen leaves it out. A sent push command already reached the
   * device, so it keeps its state.
   */
  async expireOverdue(now = Date.now()): Promise<number> {
    const result = await this.db
      .updateTable('commands')
      .set(finalState('expired', now))
      .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'sent'), eb('type', 'not in', PUSH_TYPES)])]))
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async findById(id: string): Promise<CommandRow | undefined> {
    return this.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Cancels one command if it is still in `fromState`; returns whether it
   * did. The caller decides from the command type which states may be
   * cancelled, and passes the state it read.
   */
  async cancel(id: string, fromState: CommandState, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('commands')
      .set(finalState('cancelled', now))
      .where('id', '=', id)
      .where('state', '=', fromState)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Cancels the commands of a bulk job that have not reached their device,
   * and the sent config commands the device has not confirmed. Returns the
   * agent device ids of the devices whose commands it cancelled.
   */
  async cancelOpenOfBulkJob(jobId: string, now = Date.now()): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const open = await trx
        .selectFrom('commands')
        .innerJoin('devices', 'devices.id', 'commands.device_pk')
        .select(['commands.id', 'devices.device_id'])
        .where('commands.bulk_job_id', '=', jobId)
        .where((eb) =>
          eb.or([
            eb('commands.state', '=', 'queued'),
            eb.and([eb('commands.state', '=', 'sent'), eb('commands.type', 'not in', PUSH_TYPES)]),
          ]),
        )
        .execute();

      for (let start = 0; start < open.length; start += 500) {
        const ids = open.slice(start, start + 500).map((row) => row.id);
        await trx.updateTable('commands').set(finalState('cancelled', now)).where('id', 'in', ids).where('state', 'in', OPEN_STATES).execute();
      }
      return open.map((row) => row.device_id);
    });
  }

  /** Counts a bulk job's commands per state. */
  async countByBulkJob(jobId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('commands')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('bulk_job_id', '=', jobId)
      .groupBy('state')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
  }

  /** Lists a device's commands, newest first, continuing before the (created_at, id) of the cursor. */
  async listPageForDevice(devicePk: string, limit: number, before?: { createdAt: number; id: string }): Promise<CommandRow[]> {
    let query = this.db.selectFrom('commands').selectAll().where('device_pk', '=', devicePk);
    if (before) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', before.createdAt),
          eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
        ]),
      );
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }
}
