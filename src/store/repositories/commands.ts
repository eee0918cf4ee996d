import type { Db } from '../database.js';
import { newId } from '../ids.js';
import type { CommandRow, CommandState } from '../schema.js';

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
}
