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
  /** 'local' for units made in Outpost, 'dhis2' for units a DHIS2 sync keeps. */
  source: Generated<OrgUnitSource>;
  /** When a DHIS2 sync found the unit gone from DHIS2; the row stays for devices that name it. */
  removed_at: number | null;
  /** Last DHIS2 sync that wrote the unit. */
  synced_at: number | null;
}

export type OrgUnitSource = 'local' | 'dhis2';

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
  /** DHIS2 user uid the enrolled phone is assigned to. */
  dhis2_user_id: string | null;
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
  /** DHIS2 user uid of the health worker the phone is assigned to. */
  dhis2_user_id: string | null;
  /** Policy set on the device itself; it beats org-unit and enrolment policies. */
  explicit_policy_id: string | null;
  /** Policy of the enrolment token, used when neither the device nor its units name one. */
  enrolment_policy_id: string | null;
  /** Where policy_id comes from: 'device', 'org_unit', 'enrolment' or 'none'. */
  policy_source: string | null;
  /** Org unit whose assignment gave policy_id, when policy_source is 'org_unit'. */
  policy_source_unit_id: string | null;
  /** When lost mode began; null when the device is not in lost mode. */
  lost_mode_since: number | null;
  /** Lock-screen text while in lost mode. */
  lost_mode_message: string | null;
  /** Console user who put the device in lost mode. */
  lost_mode_by: string | null;
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

/** Fixes kept out of a device's track, counted per device and reason. */
export interface LocationRejectionTable {
  device_pk: string;
  /** FixRejection: invalid_coordinates, null_island, future_time or invalid_time. */
  reason: string;
  /** Reports rejected for this reason; a report sent twice counts twice. */
  count: number;
  first_at: number;
  last_at: number;
  /** The last rejected fix as reported: time taken, latitude, longitude. */
  last_taken_at: number | null;
  last_lat: number | null;
  last_lon: number | null;
}

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
  /** Bulk job that queued the command, or null for a command sent to one device. */
  bulk_job_id: string | null;
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
  /** 'local' signs in with an Outpost password, 'dhis2' with DHIS2 credentials. */
  auth_source: Generated<UserAuthSource>;
}

export type UserAuthSource = 'local' | 'dhis2';

/** One org-unit subtree a console user may see; a user without rows sees the whole fleet. */
export interface UserOrgUnitScopeTable {
  user_id: string;
  org_unit_id: string;
  created_at: number;
}

/** A policy that applies to the devices of an org unit's subtree. */
export interface OrgUnitPolicyTable {
  org_unit_id: string;
  policy_id: string;
  created_at: number;
  created_by: string | null;
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

/** Values of a device from before an update, stored while a device list sorted by them is open. */
export interface DeviceSortChangeTable {
  seq: Generated<number>;
  device_pk: string;
  last_contact_at: number | null;
  battery_level: number | null;
  model: string | null;
  recorded_at: number;
}

/** One row: until when (ms) device lists may read the change log. */
export interface DeviceListActivityTable {
  id: number;
  open_until: number;
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
  location_rejections: LocationRejectionTable;
  commands: CommandTable;
  log_rules: LogRuleTable;
  device_logs: DeviceLogTable;
  users: UserTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  settings: SettingTable;
  list_snapshot_rows: ListSnapshotRowTable;
  device_sort_changes: DeviceSortChangeTable;
  device_list_activity: DeviceListActivityTable;
  job_leases: JobLeaseTable;
  rollouts: RolloutTable;
  rollout_devices: RolloutDeviceTable;
  device_downloads: DeviceDownloadTable;
  app_pins: AppPinTable;
  user_org_unit_scopes: UserOrgUnitScopeTable;
  org_unit_policies: OrgUnitPolicyTable;
  preregistered_devices: PreregisteredDeviceTable;
  device_id_claims: DeviceIdClaimTable;
  bulk_jobs: BulkJobTable;
  bulk_job_devices: BulkJobDeviceTable;
  device_policy_state: DevicePolicyStateTable;
  device_overrides: DeviceOverrideTable;
  dhis2_users: Dhis2UserTable;
  dhis2_user_org_units: Dhis2UserOrgUnitTable;
  dhis2_user_groups: Dhis2UserGroupTable;
  dhis2_user_group_members: Dhis2UserGroupMemberTable;
  dhis2_sync_runs: Dhis2SyncRunTable;
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

export interface PreregisteredDeviceTable {
  id: string;
  /** A serial or IMEI of a phone the programme bought, trimmed. */
  hardware_id: string;
  label: string;
  created_at: number;
  created_by: string | null;
}

export interface DeviceIdClaimTable {
  /** The enrolled device whose id another phone used. */
  device_pk: string;
  first_claimed_at: number;
  last_claimed_at: number;
  claim_count: number;
  /** Serial and IMEI the other phone reported in its latest claim. */
  claimant_serial: string | null;
  claimant_imei: string | null;
  claimant_ip: string | null;
}

export type PreregisteredDeviceRow = Selectable<PreregisteredDeviceTable>;
export type DeviceIdClaimRow = Selectable<DeviceIdClaimTable>;

export type BulkJobState = 'queued' | 'running' | 'completed' | 'cancelled';

/** A command sent to a selection of devices, worked through in the background. */
export interface BulkJobTable {
  id: string;
  /** CommandType of the command queued for each device. */
  command_type: string;
  payload_json: string | null;
  /** JSON of the selection as requested: filters or device ids. */
  selection_json: string;
  state: BulkJobState;
  expires_in_hours: number | null;
  /** Devices selected. */
  total: number;
  /** Devices whose command was queued. */
  done: number;
  /** Devices left out, e.g. deleted since the job started. */
  skipped: number;
  failed: number;
  created_by: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  cancelled_by: string | null;
  updated_at: number;
}

export type BulkJobDeviceState = 'pending' | 'done' | 'skipped' | 'failed' | 'cancelled';

/** One selected device of a bulk job and its result. */
export interface BulkJobDeviceTable {
  job_id: string;
  device_pk: string;
  /** Order of processing, from 1. */
  position: number;
  state: BulkJobDeviceState;
  /** Command queued for the device, when state is 'done'. */
  command_id: string | null;
  /** Why the device was skipped or failed. */
  detail: string | null;
  updated_at: number;
}

export type BulkJobRow = Selectable<BulkJobTable>;
export type BulkJobDeviceRow = Selectable<BulkJobDeviceTable>;

/** The policy version a device last fetched, and the one it applied: the fetched one, once a report followed. */
export interface DevicePolicyStateTable {
  device_pk: string;
  fetched_policy_id: string | null;
  fetched_policy_version: number | null;
  /** Revision of the device overrides in the fetched configuration; 0 without overrides. */
  fetched_override_revision: number | null;
  /** JSON array of the app entries the fetched configuration named, as compliance compares them. */
  fetched_apps_json: string | null;
  fetched_at: number | null;
  applied_policy_id: string | null;
  applied_policy_version: number | null;
  applied_override_revision: number | null;
  applied_at: number | null;
  /** JSON of the permissions array of the last device report that had one. */
  reported_permissions_json: string | null;
}

/** Settings of one device that replace its policy's. */
export interface DeviceOverrideTable {
  device_pk: string;
  /** JSON of PolicyOverrides. */
  settings_json: string;
  /** Incremented on each change, so a device that has not fetched the change shows as pending. */
  revision: number;
  updated_at: number;
  updated_by: string | null;
}

export type DevicePolicyStateRow = Selectable<DevicePolicyStateTable>;
export type DeviceOverrideRow = Selectable<DeviceOverrideTable>;

/** A DHIS2 user as the last sync saw it; the id is the DHIS2 uid. */
export interface Dhis2UserTable {
  id: string;
  username: string;
  first_name: string;
  surname: string;
  email: string | null;
  disabled: number;
  last_login_at: number | null;
  /** When a sync found the user gone from DHIS2; devices may still name the user. */
  removed_at: number | null;
  synced_at: number;
}

/** One capture org unit of a DHIS2 user. */
export interface Dhis2UserOrgUnitTable {
  user_id: string;
  org_unit_id: string;
}

export interface Dhis2UserGroupTable {
  id: string;
  name: string;
  removed_at: number | null;
  synced_at: number;
}

export interface Dhis2UserGroupMemberTable {
  user_id: string;
  group_id: string;
}

export type Dhis2SyncRunState = 'running' | 'succeeded' | 'failed';

/** One synchronisation with DHIS2: its progress while it runs, then what it changed or why it failed. */
export interface Dhis2SyncRunTable {
  id: string;
  /** 'manual' or 'schedule'. */
  trigger: string;
  actor: string;
  /** 'full' or 'incremental'. */
  mode: string;
  state: Dhis2SyncRunState;
  /** Current step of the run, e.g. 'units' or 'saving'. */
  phase: string;
  done: number;
  total: number;
  started_at: number;
  /** Last progress update; a running row whose heartbeat is old belongs to a process that died. */
  heartbeat_at: number;
  finished_at: number | null;
  dhis2_version: string | null;
  /** DHIS2 server time when the run started, in DHIS2's format; the next incremental run requests changes after it. */
  cutoff: string | null;
  error: string | null;
  warnings_json: string | null;
  /** JSON sample of what changed, for the run log. */
  changes_json: string | null;
  units_added: number;
  units_changed: number;
  units_removed: number;
  users_added: number;
  users_changed: number;
  users_removed: number;
  groups_added: number;
  groups_changed: number;
  groups_removed: number;
}

export type Dhis2UserRow = Selectable<Dhis2UserTable>;
export type Dhis2SyncRunRow = Selectable<Dhis2SyncRunTable>;
