import { planCommandDelivery, type CommandDelivery, type OpenCommand } from './agent-commands.js';
import { effectiveSettings, normalizeRestrictionLists, type PolicyOverrides } from './policy-rules.js';
import { defaultPolicySettings, type PolicySettings } from './policy-settings.js';

/** An app entry of the agent configuration, in the agent's field names. */
export type AgentApplication =
  | {
      type: 'app';
      name: string;
      pkg: string;
      /** versionName; the agent compares `code` instead whenever it is non-zero. */
      version: string;
      /** versionCode: the agent reads it as `code`, not `versionCode`. */
      code: number;
      url: string;
      showIcon: boolean;
      runAfterInstall: boolean;
      screenOrder?: number;
    }
  | { pkg: string; remove: true; version: '0' };

/**
 * The configuration (`data` of the config response) in the agent's field
 * names. Every field is optional to the agent; a field left out leaves that
 * setting unmanaged.
 */
export interface ServerConfig {
  /** Push transport. The agent dereferences it without a null check, so it is always set. */
  pushOptions: 'polling' | 'mqttWorker' | 'mqttAlarm';
  keepaliveTime: number;
  /** Upper-case hex MD5 of the admin-panel password. */
  password?: string;
  /** Comma-separated Android user-restriction keys. */
  restrictions?: string;
  passwordMode?: string;
  gps?: boolean;
  wifi?: boolean;
  bluetooth?: boolean;
  mobileData?: boolean;
  /** True blocks USB storage, despite the name. */
  usbStorage?: boolean;
  disableScreenshots: boolean;
  timeZone?: string;
  manageTimeout: boolean;
  timeout?: number;
  autoBrightness?: boolean;
  brightness?: number;
  manageVolume: boolean;
  volume?: number;
  lockVolume?: boolean;
  orientation: number;
  systemUpdateType: number;
  systemUpdateFrom?: string;
  systemUpdateTo?: string;
  appUpdateFrom?: string;
  appUpdateTo?: string;
  downloadUpdates?: string;
  requestUpdates?: string;
  appPermissions?: string;
  /** Background (agent) mode: keep the phone's own home screen. */
  runDefaultLauncher: boolean;
  title: string;
  displayStatus: boolean;
  /** Open the Wi-Fi settings when the server cannot be reached. */
  showWifi: boolean;
  permissive: boolean;
  autostartForeground: boolean;
  backgroundColor?: string;
  textColor?: string;
  iconSize?: number;
  /** Kiosk fields: only a paid agent build acts on them. */
  kioskMode: boolean;
  mainApp?: string;
  kioskHome?: boolean;
  kioskRecents?: boolean;
  kioskNotifications?: boolean;
  kioskSystemInfo?: boolean;
  kioskKeyguard?: boolean;
  kioskLockButtons?: boolean;
  lockStatusBar?: boolean;
  applications: AgentApplication[];
  reboot?: true;
  factoryReset?: true;
  lock: boolean;
  lockMessage?: string;
  passwordReset?: string;
}

/** A policy app with the version it installs resolved, as the config builder needs it. */
export interface PolicyAppInput {
  packageName: string;
  action: 'install' | 'remove';
  showIcon: boolean;
  runAfterInstall: boolean;
  screenOrder: number | null;
  /** Null for a remove entry, or when the version no longer exists. */
  version: { versionCode: number; versionName: string | null; name: string; url: string } | null;
}

export interface ConfigInput {
  settings: PolicySettings;
  /** The device's own settings, applied over the policy's. */
  overrides?: PolicyOverrides | null;
  apps: readonly PolicyAppInput[];
  /** Open commands of the current enrolment generation, oldest first. */
  commands: readonly OpenCommand[];
  /** False when no MQTT broker runs, so an MQTT push mode falls back to polling. */
  mqttAvailable: boolean;
}

export interface BuiltConfig {
  config: ServerConfig;
  commands: CommandDelivery;
  /** Install entries left out because their app version is missing. */
  skippedPackages: string[];
  /** Reason the device overrides were left out (they break a policy rule), or null. */
  ignoredOverridesReason: string | null;
}

/**
 * Reads a policy's settings_json. Fields a stored policy lacks take their
 * defaults, so policies saved before a field existed still build.
 * Throws a SyntaxError on text that is not JSON.
 */
export function parsePolicySettings(settingsJson: string | null): PolicySettings {
  const defaults = defaultPolicySettings();
  if (settingsJson === null) return defaults;

  const stored = JSON.parse(settingsJson) as Partial<PolicySettings> | null;
  return normalizeRestrictionLists({ ...defaults, ...(stored ?? {}) });
}

/** Builds the agent configuration of one device. */
export function buildServerConfig(input: ConfigInput): BuiltConfig {
  const { applications, skippedPackages } = applicationEntries(input.apps);
  const commands = planCommandDelivery(input.commands);
  const { settings, ignoredOverridesReason } = effectiveSettings(input.settings, input.overrides ?? null);
  const config: ServerConfig = { ...settingsFields(settings), applications, ...commands.flags };

  // A phone set to MQTT push with no broker to connect to would never be woken.
  if (!input.mqttAvailable) config.pushOptions = 'polling';
  return { config, commands, skippedPackages, ignoredOverridesReason };
}

/** Maps policy settings to agent fields; null settings are left out, so they stay unmanaged. */
export function settingsFields(settings: PolicySettings): Omit<ServerConfig, 'applications' | 'lock'> {
  const fields: Omit<ServerConfig, 'applications' | 'lock'> = {
    pushOptions: settings.pushMode,
    keepaliveTime: settings.keepaliveSeconds,
    disableScreenshots: settings.disableScreenshots,
    manageTimeout: settings.screenTimeoutSeconds !== null,
    manageVolume: settings.volumePercent !== null,
    orientation: settings.orientation,
    systemUpdateType: settings.systemUpdateType,
    runDefaultLauncher: settings.backgroundMode,
    title: settings.title,
    displayStatus: settings.displayStatus,
    showWifi: settings.showWifiOnError,
    permissive: settings.permissive,
    autostartForeground: settings.autostartForeground,
    kioskMode: settings.kioskMode,
  };

  setIfPresent(fields, 'password', settings.adminPasswordMd5?.toUpperCase());
  const restrictions = [...settings.restrictions, ...settings.extraRestrictions];
  if (restrictions.length > 0) fields.restrictions = restrictions.join(',');
  setIfPresent(fields, 'passwordMode', settings.passwordMode);
  setIfPresent(fields, 'gps', settings.gps);
  setIfPresent(fields, 'wifi', settings.wifi);
  setIfPresent(fields, 'bluetooth', settings.bluetooth);
  setIfPresent(fields, 'mobileData', settings.mobileData);
  setIfPresent(fields, 'usbStorage', settings.blockUsbStorage);
  setIfPresent(fields, 'timeZone', settings.timeZone);
  setIfPresent(fields, 'timeout', settings.screenTimeoutSeconds);
  setIfPresent(fields, 'autoBrightness', settings.autoBrightness);
  setIfPresent(fields, 'brightness', settings.brightness);
  setIfPresent(fields, 'volume', settings.volumePercent);
  setIfPresent(fields, 'lockVolume', settings.lockVolume);
  setIfPresent(fields, 'systemUpdateFrom', settings.systemUpdateFrom);
  setIfPresent(fields, 'systemUpdateTo', settings.systemUpdateTo);
  setIfPresent(fields, 'appUpdateFrom', settings.appUpdateFrom);
  setIfPresent(fields, 'appUpdateTo', settings.appUpdateTo);
  setIfPresent(fields, 'downloadUpdates', settings.downloadNetwork);
  setIfPresent(fields, 'requestUpdates', settings.locationUpdates);
  setIfPresent(fields, 'appPermissions', settings.appPermissions);
  setIfPresent(fields, 'backgroundColor', settings.backgroundColor);
  setIfPresent(fields, 'textColor', settings.textColor);
  setIfPresent(fields, 'iconSize', settings.iconSize);
  setIfPresent(fields, 'mainApp', settings.kioskApp);
  setIfPresent(fields, 'kioskHome', settings.kioskHome);
  setIfPresent(fields, 'kioskRecents', settings.kioskRecents);
  setIfPresent(fields, 'kioskNotifications', settings.kioskNotifications);
  setIfPresent(fields, 'kioskSystemInfo', settings.kioskSystemInfo);
  setIfPresent(fields, 'kioskKeyguard', settings.kioskKeyguard);
  setIfPresent(fields, 'kioskLockButtons', settings.kioskLockButtons);
  setIfPresent(fields, 'lockStatusBar', settings.lockStatusBar);
  return fields;
}

/** Maps policy apps to agent entries: installs carry a download URL, removals match any version. */
export function applicationEntries(apps: readonly PolicyAppInput[]): {
  applications: AgentApplication[];
  skippedPackages: string[];
} {
  const applications: AgentApplication[] = [];
  const skippedPackages: string[] = [];

  for (const app of apps) {
    if (app.action === 'remove') {
      applications.push({ pkg: app.packageName, remove: true, version: '0' });
      continue;
    }
    if (!app.version) {
      skippedPackages.push(app.packageName);
      continue;
    }

    const entry: AgentApplication = {
      type: 'app',
      name: app.version.name,
      pkg: app.packageName,
      version: app.version.versionName ?? String(app.version.versionCode),
      code: app.version.versionCode,
      url: app.version.url,
      showIcon: app.showIcon,
      runAfterInstall: app.runAfterInstall,
    };
    if (app.screenOrder !== null) entry.screenOrder = app.screenOrder;
    applications.push(entry);
  }
  return { applications, skippedPackages };
}

function setIfPresent<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | null | undefined): void {
  if (value !== null && value !== undefined) target[key] = value;
}
