// Shapes of the admin API (docs/admin-api.md). Times are milliseconds since the epoch.

export type Role = 'viewer' | 'operator' | 'admin';

export interface User {
  id: string;
  username: string;
  role: Role;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface FleetSummary {
  total: number;
  online: number;
  offline: number;
  neverContacted: number;
  enrolledToday: number;
}

export type DeviceStatus = 'online' | 'offline' | 'never';

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

export type CommandType = 'reboot' | 'lock' | 'unlock';

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

/**
 * Policy settings the console edits. The server stores more fields; the
 * console sends back every field it received, so those are kept as they were.
 */
export interface PolicySettings {
  pushMode: PushMode;
  adminPasswordMd5: string | null;
  restrictions: string[];
  passwordMode: PasswordMode | null;
  gps: boolean | null;
  wifi: boolean | null;
  bluetooth: boolean | null;
  mobileData: boolean | null;
  appUpdateFrom: string | null;
  appUpdateTo: string | null;
  downloadNetwork: DownloadNetwork | null;
  [other: string]: unknown;
}

export type PolicyAppAction = 'install' | 'remove';

export interface PolicyApp {
  packageName: string;
  appVersionId: string | null;
  versionCode: number | null;
  versionName: string | null;
  action: PolicyAppAction;
}

export interface Policy {
  id: string;
  name: string;
  description: string;
  version: number;
  settings: PolicySettings;
  apps: PolicyApp[];
  deviceCount: number;
  updatedAt: number;
}

export interface PolicyInput {
  name: string;
  description?: string;
  settings?: Partial<PolicySettings>;
  adminPassword?: string;
  apps?: { packageName: string; appVersionId: string | null; action: PolicyAppAction }[];
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
