// Shapes of the admin API (docs/admin-api.md). Times are milliseconds since the epoch.

export type Role = 'viewer' | 'operator' | 'admin';

export interface User {
  id: string;
  username: string;
  role: Role;
  /** Org-unit subtrees the user may see; null for the whole fleet. */
  orgUnits?: Array<{ id: string; path: string | null }> | null;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface FleetSummary {
  total: number;
  online: number;
  late: number;
  offline: number;
  neverContacted: number;
  enrolledToday: number;
}

/** Contact state: online, late or offline by the minutes since last contact, never before the first contact. */
export type DeviceStatus = 'online' | 'late' | 'offline' | 'never';

export interface Location {
  lat: number;
  lon: number;
  at: number;
}

export interface DeviceSummary {
  id: string;
  deviceId: string;
  serial: string | null;
  imei: string | null;
  model: string | null;
  androidVersion: string | null;
  agentVersion: string | null;
  batteryLevel: number | null;
  batteryCharging: string | null;
  policyId: string | null;
  policyName: string | null;
  orgUnitId: string | null;
  /** DHIS2 user uid of the health worker, and the username when the DHIS2 sync has stored that user. */
  dhis2UserId?: string | null;
  dhis2Username?: string | null;
  enrolmentGeneration: number;
  enrolledAt: number;
  lastContactAt: number | null;
  status: DeviceStatus;
  lastLocation: Location | null;
}

export interface InstalledApp {
  packageName: string;
  versionName: string | null;
  versionCode: number | null;
  expectedVersionCode: number | null;
  /** Null when the policy names no version of the package. */
  upToDate: boolean | null;
}

export interface Command {
  id: string;
  type: string;
  state: string;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
}

export interface DeviceDetail extends DeviceSummary {
  imei2: string | null;
  cpu: string | null;
  /** 1 when the agent is device owner, 0 when not, null before its first report. */
  mdmMode: number | null;
  agentPackage: string | null;
  launcherType: string | null;
  installedApps: InstalledApp[];
  rawInfo: unknown;
  recentLocations: Location[];
  commands: Command[];
}

export interface AppVersion {
  id: string;
  versionCode: number;
  versionName: string | null;
  minSdk: number | null;
  targetSdk: number | null;
  size: number;
  fileSha256: string;
  signerSha256: string;
  signatureSchemes: string | string[];
  fileName: string;
  createdAt: number;
}

export interface App {
  id: string;
  packageName: string;
  label: string | null;
  versions: AppVersion[];
}

export type PushMode = 'polling' | 'mqttWorker' | 'mqttAlarm';
export type PasswordMode = 'present' | 'easy' | 'moderate' | 'strong';
export type DownloadNetwork = 'limited' | 'wifi';
export type LocationUpdates = 'gps' | 'network';
export type AppPermissions = 'asklocation' | 'denylocation' | 'askall';

/** Policy settings as the API returns them; the admin-panel password hash is never included. */
export interface PolicySettings {
  pushMode: PushMode;
  keepaliveSeconds: number;
  restrictions: string[];
  extraRestrictions: string[];
  passwordMode: PasswordMode | null;
  gps: boolean | null;
  wifi: boolean | null;
  bluetooth: boolean | null;
  mobileData: boolean | null;
  blockUsbStorage: boolean | null;
  disableScreenshots: boolean;
  timeZone: string | null;
  screenTimeoutSeconds: number | null;
  brightness: number | null;
  autoBrightness: boolean | null;
  volumePercent: number | null;
  lockVolume: boolean | null;
  orientation: number;
  systemUpdateType: number;
  systemUpdateFrom: string | null;
  systemUpdateTo: string | null;
  appUpdateFrom: string | null;
  appUpdateTo: string | null;
  downloadNetwork: DownloadNetwork | null;
  locationUpdates: LocationUpdates | null;
  appPermissions: AppPermissions | null;
  backgroundMode: boolean;
  title: string;
  displayStatus: boolean;
  showWifiOnError: boolean;
  permissive: boolean;
  autostartForeground: boolean;
  backgroundColor: string | null;
  textColor: string | null;
  iconSize: number | null;
  kioskMode: boolean;
  kioskApp: string | null;
  kioskHome: boolean | null;
  kioskRecents: boolean | null;
  kioskNotifications: boolean | null;
  kioskSystemInfo: boolean | null;
  kioskKeyguard: boolean | null;
  kioskLockButtons: boolean | null;
  lockStatusBar: boolean | null;
}

export type PolicySettingName = keyof PolicySettings;

export type PolicyAppAction = 'install' | 'remove';

export interface PolicyApp {
  packageName: string;
  appVersionId: string | null;
  versionCode: number | null;
  versionName: string | null;
  action: PolicyAppAction;
}

/** The policy's devices by where they stand with its current version. */
export interface PolicyDeviceCounts {
  applied: number;
  pending: number;
  neverFetched: number;
}

export interface Policy {
  id: string;
  name: string;
  description: string;
  version: number;
  settings: PolicySettings;
  adminPasswordSet: boolean;
  unknownRestrictions: string[];
  paidAgentSettings: PolicySettingName[];
  devices: PolicyDeviceCounts;
  apps: PolicyApp[];
  deviceCount: number;
  updatedAt: number;
}

export interface PolicyInput {
  name: string;
  description?: string;
  settings?: Partial<PolicySettings>;
  adminPassword?: string;
  clearAdminPassword?: boolean;
  /** On update, the version the form was loaded at; the server rejects the save if the policy changed since. */
  expectedVersion?: number;
  apps?: { packageName: string; appVersionId: string | null; action: PolicyAppAction }[];
}

export interface PolicyVersion {
  version: number;
  current: boolean;
  createdAt: number;
  createdBy: string | null;
  appliedDevices: number;
}

export interface RestrictionInfo {
  key: string;
  label: string;
  blocks: string;
  minSdk: number | null;
  group: 'network' | 'apps' | 'device' | 'users' | 'data';
}

export interface DeviceOverrides {
  devicePk: string;
  policyId: string | null;
  overrides: Partial<PolicySettings>;
  revision: number;
  updatedAt: number | null;
  updatedBy: string | null;
  policySettings: PolicySettings;
  effective: PolicySettings;
  /** Reason the configuration leaves the overrides out, or null when it applies them. */
  ignoredOverridesReason: string | null;
}

export type ComplianceIssue =
  | 'no-policy'
  | 'never-fetched'
  | 'policy-pending'
  | 'apps-not-current'
  | 'not-device-owner'
  | 'device-admin-off'
  | 'paid-settings-unsupported';

export type PolicyState = 'applied' | 'pending' | 'never-fetched' | 'no-policy';

export type AppComplianceState = 'current' | 'outdated' | 'missing' | 'unknown-version' | 'removal-pending' | 'removed';

export interface DeviceCompliance {
  devicePk: string;
  deviceId: string;
  model: string | null;
  lastContactAt: number | null;
  compliant: boolean;
  issues: ComplianceIssue[];
  policy: {
    policyId: string | null;
    policyName: string | null;
    state: PolicyState;
    currentVersion: number | null;
    fetchedVersion: number | null;
    appliedVersion: number | null;
    fetchedCurrent: boolean;
    overrideRevision: number;
    appliedOverrideRevision: number | null;
    fetchedAt: number | null;
    appliedAt: number | null;
  };
  apps: {
    packageName: string;
    action: PolicyAppAction;
    targetVersionCode: number | null;
    targetVersionName: string | null;
    installedVersionName: string | null;
    installedVersionCode: number | null;
    state: AppComplianceState;
  }[] | null;
  deviceOwner: boolean | null;
  password: { required: string | null; reported: string };
  restrictions: {
    required: { key: string; known: boolean; minSdk: number | null; unsupportedByAndroid: boolean }[];
    reported: string;
  };
  paidSettings: { state: 'none' | 'unsupported' | 'unverified'; settings: string[] };
  capabilities: {
    launcherType: string | null;
    agentVersion: string | null;
    androidVersion: string | null;
    sdkLevel: number | null;
    permissions: { deviceAdmin: boolean | null; drawOverlays: boolean | null; usageStats: boolean | null; accessibility: boolean | null } | null;
  };
}

export interface ComplianceSummary {
  total: number;
  compliant: number;
  needsAttention: number;
  byIssue: Record<ComplianceIssue, number>;
  byPolicyState: Record<PolicyState, number>;
}

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string | null;
  level?: number;
  path?: string;
}

export interface EnrolmentAgent {
  appVersionId: string;
  packageName: string;
  versionCode: number;
  fileChecksum: string;
  signatureChecksum: string;
  adminComponent: string;
}

export type DeviceIdSource = 'serial' | 'imei';
export type WifiSecurity = 'NONE' | 'WPA' | 'WEP' | 'EAP';

export interface EnrolmentTokenInput {
  policyId: string;
  orgUnitId?: string;
  /** DHIS2 user uid the enrolled phone is assigned to. */
  dhis2UserId?: string;
  presetDeviceId?: string;
  deviceIdSource?: DeviceIdSource;
  label?: string;
  expiresInHours?: number;
  maxUses?: number;
  wifiSsid?: string;
  wifiPassword?: string;
  wifiSecurity?: WifiSecurity;
  useMobileData?: boolean;
}

export interface EnrolmentToken {
  id: string;
  policyId: string;
  policyName: string | null;
  orgUnitId: string | null;
  dhis2UserId?: string | null;
  presetDeviceId: string | null;
  deviceIdSource?: DeviceIdSource | null;
  label: string;
  expiresAt: number | null;
  usesLeft: number | null;
  revokedAt: number | null;
  createdAt: number;
  qrJsonUrl: string;
  qrPngUrl: string;
}

// NOTE: the API contract names AuditEvent without listing its fields; these
// follow the admin service that builds it.
export interface AuditEvent {
  id: string;
  at: number;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
}

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}
