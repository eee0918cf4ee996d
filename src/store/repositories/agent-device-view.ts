import { sql } from 'kysely';

import type { Db } from '../database.js';
import type { DevicePolicyStateRow, DeviceRow } from '../schema.js';

/** A device with what a configuration sync or a device report reads beside it. */
export interface AgentDeviceView {
  device: DeviceRow;
  /**
   * Sum of the counters in config_generations, which triggers raise on
   * every write to a table the policy part of a configuration comes from.
   */
  configGeneration: number;
  /** The device's overrides row, or null when it never had any. */
  overrides: { settingsJson: string; revision: number } | null;
  /** The device's policy-tracking row, or null before its first fetch or report. */
  policyState: DevicePolicyStateRow | null;
  /** Whether a queued or sent, unexpired command of the current enrolment waits. */
  hasOpenCommands: boolean;
}

const STATE_COLUMNS = [
  'fetched_policy_id',
  'fetched_policy_version',
  'fetched_override_revision',
  'fetched_apps_json',
  'fetched_at',
  'applied_policy_id',
  'applied_policy_version',
  'applied_override_revision',
  'applied_at',
  'reported_permissions_json',
] as const;

/**
 * Reads an agent request's device state in one query: the device row, its
 * overrides, its policy-tracking row, the configuration generation and
 * whether it has open commands. `now` decides which commands have expired.
 */
export async function findAgentDeviceView(db: Db, deviceId: string, now: number): Promise<AgentDeviceView | undefined> {
  const row = await db
    .selectFrom('devices')
    .leftJoin('device_overrides as overrides', 'overrides.device_pk', 'devices.id')
    .leftJoin('device_policy_state as state', 'state.device_pk', 'devices.id')
    .selectAll('devices')
    .select([
      'overrides.settings_json as override_settings_json',
      'overrides.revision as override_revision',
      'state.device_pk as state_device_pk',
      ...STATE_COLUMNS.map((column) => `state.${column}` as const),
      sql<number | string | bigint>`(select cast(sum(generation) as bigint) from config_generations)`.as('config_generation'),
      sql<number>`case when exists (
        select 1 from commands
        where commands.device_pk = devices.id
          and commands.generation = devices.enrolment_generation
          and commands.state in ('queued', 'sent')
          and (commands.expires_at is null or commands.expires_at > ${now})
      ) then 1 else 0 end`.as('has_open_commands'),
    ])
    .where('devices.device_id', '=', deviceId)
    .executeTakeFirst();
  if (!row) return undefined;

  const {
    override_settings_json: overrideSettingsJson,
    override_revision: overrideRevision,
    state_device_pk: stateDevicePk,
    config_generation: configGeneration,
    has_open_commands: hasOpenCommands,
    ...rest
  } = row;
  const device = { ...rest } as Record<string, unknown>;
  const stateValues: Record<string, unknown> = {};
  for (const column of STATE_COLUMNS) {
    stateValues[column] = device[column];
    delete device[column];
  }

  return {
    device: device as unknown as DeviceRow,
    configGeneration: Number(configGeneration ?? 0),
    overrides:
      overrideSettingsJson === null || overrideRevision === null
        ? null
        : { settingsJson: overrideSettingsJson, revision: Number(overrideRevision) },
    policyState: stateDevicePk === null ? null : ({ device_pk: stateDevicePk, ...stateValues } as unknown as DevicePolicyStateRow),
    hasOpenCommands: Number(hasOpenCommands) === 1,
  };
}
