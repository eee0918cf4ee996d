import { dialectOf, type Db } from '../database.js';
import { newId } from '../ids.js';
import type { CommandRow, CommandState } from '../schema.js';
import { lockForUpdate } from '../sql-helpers.js';

const OPEN_STATES: CommandState[] = ['queued', 'sent'];

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
      .set({ state, updated_at: now })
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
      .set({ state: 'expired', updated_at: now })
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
      .set({ state, updated_at: now })
      .where('id', 'in', ids)
      .where('state', 'in', OPEN_STATES)
      .execute();
  }

  /** Confirms the open, unexpired commands of the given types; returns how many it confirmed. */
  async confirmLive(devicePk: string, generation: number, types: string[], now = Date.now()): Promise<number> {
    const result = await this.db
      .updateTable('commands')
      .set({ state: 'confirmed', updated_at: now })
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
    return this.db.transaction().execute(async (trx) => {
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
   * moment listOpen leaves it out.
   */
  async expireOverdue(now = Date.now()): Promise<number> {
    const result = await this.db
      .updateTable('commands')
      .set({ state: 'expired', updated_at: now })
      .where('state', 'in', OPEN_STATES)
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async findById(id: string): Promise<CommandRow | undefined> {
    return this.db.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
