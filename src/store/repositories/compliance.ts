import type { Db } from '../database.js';

/** The columns compliance needs of one device, its policy and its tracking record. */
export interface DeviceComplianceFacts {
  id: string;
  device_id: string;
  model: string | null;
  sdk_level: number | null;
  android_version: string | null;
  agent_version: string | null;
  launcher_type: string | null;
  mdm_mode: number | null;
  org_unit_id: string | null;
  last_contact_at: number | null;
  policy_id: string | null;
  policy_name: string | null;
  policy_version: number | null;
  policy_settings_json: string | null;
  override_settings_json: string | null;
  override_revision: number | null;
  fetched_policy_id: string | null;
  fetched_policy_version: number | null;
  fetched_override_revision: number | null;
  fetched_apps_json: string | null;
  fetched_at: number | null;
  applied_policy_id: string | null;
  applied_policy_version: number | null;
  applied_override_revision: number | null;
  applied_at: number | null;
  reported_permissions_json: string | null;
}

/** Reads for the compliance views, across devices, policies, overrides and tracking records. */
export class ComplianceRepository {
  constructor(private readonly db: Db) {}

  /** Facts of every device, or of the one device when `devicePk` is given, ordered by device id. */
  async listFacts(devicePk?: string): Promise<DeviceComplianceFacts[]> {
    let query = this.db
      .selectFrom('devices')
      .leftJoin('policies', 'policies.id', 'devices.policy_id')
      .leftJoin('device_overrides as overrides', 'overrides.device_pk', 'devices.id')
      .leftJoin('device_policy_state as state', 'state.device_pk', 'devices.id')
      .select([
        'devices.id',
        'devices.device_id',
        'devices.model',
        'devices.sdk_level',
        'devices.android_version',
        'devices.agent_version',
        'devices.launcher_type',
        'devices.mdm_mode',
        'devices.org_unit_id',
        'devices.last_contact_at',
        'devices.policy_id',
        'policies.name as policy_name',
        'policies.version as policy_version',
        'policies.settings_json as policy_settings_json',
        'overrides.settings_json as override_settings_json',
        'overrides.revision as override_revision',
        'state.fetched_policy_id',
        'state.fetched_policy_version',
        'state.fetched_override_revision',
        'state.fetched_apps_json',
        'state.fetched_at',
        'state.applied_policy_id',
        'state.applied_policy_version',
        'state.applied_override_revision',
        'state.applied_at',
        'state.reported_permissions_json',
      ])
      .orderBy('devices.device_id');
    if (devicePk !== undefined) query = query.where('devices.id', '=', devicePk);
    return query.execute();
  }

  /** Installed app versions reported by the given devices, or by every device when `devicePks` is null. */
  async listInstalledApps(devicePks: readonly string[] | null) {
    let query = this.db.selectFrom('device_apps').select(['device_pk', 'package_name', 'version_name']);
    if (devicePks !== null) {
      if (devicePks.length === 0) return [];
      query = query.where('device_pk', 'in', devicePks);
    }
    return query.execute();
  }
}
