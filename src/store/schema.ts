import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

// Conventions, chosen so one schema works on SQLite and PostgreSQL:
// ids are text (random UUIDs or the agent's own device id), times are
// milliseconds since the epoch in bigint columns, flags are 0/1 integers and
// documents are JSON text.

export interface OrgUnitTable {
  id: string;
  name: string;
  parent_id: string | null;
  /** Ids from the root down, each followed by '/', e.g. '/root/district/'. */
  path: string;
  level: number;
  created_at: number;
}

export interface PolicyTable {
  id: string;
  name: string;
  description: string;
  /** JSON of PolicySettings. */
  settings_json: string;
  /** Incremented on each save; one row per version in policy_versions. */
  version: number;
  created_at: number;
  updated_at: number;
}

export interface PolicyVersionTable {
  policy_id: string;
  version: number;
  settings_json: string;
  apps_json: string;
  created_at: number;
  created_by: string | null;
}

export interface PolicyAppTable {
  policy_id: string;
  package_name: string;
  /** The version to install; null with action 'remove'. */
  app_version_id: string | null;
  action: 'install' | 'remove';
  show_icon: number;
  run_after_install: number;
  screen_order: number | null;
}

export interface AppTable {
  id: string;
  package_name: string;
  label: string | null;
  created_at: number;
}

export interface AppVersionTable {
  id: string;
  app_id: string;
  version_code: number;
  version_name: string | null;
  min_sdk: number | null;
  target_sdk: number | null;
  label: string | null;
  size: number;
  file_sha256: string;
  signer_sha256: string;
  signature_schemes: string;
  blob_key: string;
  file_name: string;
  created_at: number;
  created_by: string | null;
}

export interface EnrolmentTokenTable {
  /** Unguessable token placed in the QR as com.hmdm.CONFIG. */
  id: string;
  policy_id: string;
  org_unit_id: string | null;
  preset_device_id: string | null;
  label: string;
  expires_at: number | null;
  uses_left: number | null;
  revoked_at: number | null;
  /** JSON of extra QR options such as Wi-Fi credentials. */
  qr_options_json: string | null;
  created_at: number;
  created_by: string | null;
}

export interface DeviceTable {
  id: string;
  /** Device id the agent uses in URLs and as MQTT topic. */
  device_id: string;
  serial: string | null;
  imei: string | null;
  imei2: string | null;
  model: string | null;
  android_version: string | null;
  sdk_level: number | null;
  cpu: string | null;
  agent_package: string | null;
  agent_version: string | null;
  launcher_type: string | null;
  mdm_mode: number | null;
  battery_level: number | null;
  battery_charging: string | null;
  policy_id: string | null;
  org_unit_id: string | null;
  enrolment_generation: number;
  enrolment_token_id: string | null;
  enrolled_at: number;
  last_contact_at: number | null;
  last_config_at: number | null;
  last_info_at: number | null;
  last_lat: number | null;
  last_lon: number | null;
  last_location_at: number | null;
  external_ip: string | null;
  /** Last device-info body as received. */
  info_json: string | null;
  created_at: number;
  updated_at: number;
}

export interface DeviceAppTable {
  device_pk: string;
  package_name: string;
  version_name: string | null;
  reported_at: number;
}

export interface LocationTable {
  id: string;
  device_pk: string;
  taken_at: number;
  lat: number;
  lon: number;
  received_at: number;
}

export type CommandState = 'queued' | 'sent' | 'confirmed' | 'failed' | 'expired' | 'cancelled';

export interface CommandTable {
  id: string;
  device_pk: string;
  /** Enrolment generation the command was queued for; other generations never run it. */
  generation: number;
  type: string;
  payload_json: string | null;
  state: CommandState;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
}

export interface LogRuleTable {
  id: string;
  policy_id: string | null;
  package_name: string;
  log_level: number;
  filter: string;
  created_at: number;
}

export interface DeviceLogTable {
  id: string;
  device_pk: string;
  logged_at: number;
  log_level: number;
  package_name: string;
  message: string;
  received_at: number;
}

export type Role = 'admin' | 'operator' | 'viewer';

export interface UserTable {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  /** SHA-256 of the cookie value, so a database reader cannot reuse a session. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface AuditEventTable {
  id: string;
  at: number;
  /** Username, 'system' or 'device:<id>'. */
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  details_json: string | null;
}

export interface SettingTable {
  key: string;
  value_json: string;
  updated_at: number;
}

export interface ListSnapshotRowTable {
  snapshot_id: string;
  position: number;
  device_pk: string;
  created_at: number;
}

export interface JobLeaseTable {
  /** Name of the scheduled job the lease guards. */
  name: string;
  /** Id of the process that holds the lease. */
  holder: string;
  expires_at: number;
}

export interface Database {
  org_units: OrgUnitTable;
  policies: PolicyTable;
  policy_versions: PolicyVersionTable;
  policy_apps: PolicyAppTable;
  apps: AppTable;
  app_versions: AppVersionTable;
  enrolment_tokens: EnrolmentTokenTable;
  devices: DeviceTable;
  device_apps: DeviceAppTable;
  locations: LocationTable;
  commands: CommandTable;
  log_rules: LogRuleTable;
  device_logs: DeviceLogTable;
  users: UserTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  settings: SettingTable;
  list_snapshot_rows: ListSnapshotRowTable;
  job_leases: JobLeaseTable;
  rollouts: RolloutTable;
  rollout_devices: RolloutDeviceTable;
  device_downloads: DeviceDownloadTable;
  app_pins: AppPinTable;
}

export type DeviceRow = Selectable<DeviceTable>;
export type NewDevice = Insertable<DeviceTable>;
export type DeviceUpdate = Updateable<DeviceTable>;
export type PolicyRow = Selectable<PolicyTable>;
export type PolicyAppRow = Selectable<PolicyAppTable>;
export type AppRow = Selectable<AppTable>;
export type AppVersionRow = Selectable<AppVersionTable>;
export type EnrolmentTokenRow = Selectable<EnrolmentTokenTable>;
export type CommandRow = Selectable<CommandTable>;
export type UserRow = Selectable<UserTable>;
export type AuditEventRow = Selectable<AuditEventTable>;
export type OrgUnitRow = Selectable<OrgUnitTable>;
export type { Generated };

export type RolloutStateColumn = 'draft' | 'running' | 'paused' | 'halted' | 'complete';

export interface RolloutTable {
  id: string;
  package_name: string;
  /** The target version. */
  app_version_id: string;
  target_version_code: number;
  state: RolloutStateColumn;
  /** JSON of DeviceScope: policyIds, orgUnitIds and pilot deviceIds. */
  scope_json: string;
  /** JSON array of RolloutStage. */
  stages_json: string;
  /** 1 when the target is signed by another key than earlier versions of the package. */
  signer_changed: number;
  halt_reason: string | null;
  /** Highest stage whose devices were woken to sync; -1 before the first. */
  woken_stage: number;
  /** Last manual resume; the automatic halt judges only results after it. */
  resumed_at: number | null;
  created_at: number;
  created_by: string | null;
  updated_at: number;
}

export type RolloutDeviceStatus = 'pending' | 'downloading' | 'installed' | 'failed' | 'incompatible';

export interface RolloutDeviceTable {
  rollout_id: string;
  device_pk: string;
  status: RolloutDeviceStatus;
  /** Stage that first selected the device. */
  stage_index: number;
  /** Config deliveries that named the target while the device did not report it installed. */
  offers: number;
  first_offered_at: number | null;
  last_offered_at: number | null;
  updated_at: number;
}

export interface DeviceDownloadTable {
  device_pk: string;
  app_version_id: string;
  bytes_served: number;
  requests: number;
  updated_at: number;
}

export interface AppPinTable {
  id: string;
  package_name: string;
  /** Devices in scope are never offered a higher versionCode. */
  max_version_code: number;
  /** JSON of DeviceScope. */
  scope_json: string;
  reason: string;
  created_at: number;
  created_by: string | null;
}

export type RolloutRow = Selectable<RolloutTable>;
export type RolloutDeviceRow = Selectable<RolloutDeviceTable>;
export type AppPinRow = Selectable<AppPinTable>;
