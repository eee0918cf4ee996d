import type { Policy, PolicyAppAction, PolicyInput, PolicySettings } from '../../api/types.js';

export interface PolicyAppRow {
  /** Stable React key; rows have no id of their own. */
  key: number;
  packageName: string;
  appVersionId: string | null;
  action: PolicyAppAction;
}

export interface PolicyFormState {
  name: string;
  description: string;
  settings: PolicySettings;
  /** New admin-panel password; empty keeps the current one. */
  adminPassword: string;
  /** Removes the saved admin-panel password. */
  clearAdminPassword: boolean;
  apps: PolicyAppRow[];
}

/**
 * Settings a new policy starts with, the same as the server's defaults:
 * everything unmanaged and push by long polling, which needs no MQTT broker.
 */
export function newPolicySettings(): PolicySettings {
  return {
    pushMode: 'polling',
    keepaliveSeconds: 300,
    restrictions: [],
    extraRestrictions: [],
    passwordMode: null,
    gps: null,
    wifi: null,
    bluetooth: null,
    mobileData: null,
    blockUsbStorage: null,
    disableScreenshots: false,
    timeZone: null,
    screenTimeoutSeconds: null,
    brightness: null,
    autoBrightness: null,
    volumePercent: null,
    lockVolume: null,
    orientation: 0,
    systemUpdateType: 0,
    systemUpdateFrom: null,
    systemUpdateTo: null,
    appUpdateFrom: null,
    appUpdateTo: null,
    downloadNetwork: null,
    locationUpdates: null,
    appPermissions: null,
    backgroundMode: true,
    title: 'deviceId',
    displayStatus: false,
    showWifiOnError: false,
    permissive: false,
    autostartForeground: false,
    backgroundColor: null,
    textColor: null,
    iconSize: null,
    kioskMode: false,
    kioskApp: null,
    kioskHome: null,
    kioskRecents: null,
    kioskNotifications: null,
    kioskSystemInfo: null,
    kioskKeyguard: null,
    kioskLockButtons: null,
    lockStatusBar: null,
  };
}

let nextRowKey = 1;

export function newAppRow(packageName = '', appVersionId: string | null = null): PolicyAppRow {
  return { key: nextRowKey++, packageName, appVersionId, action: 'install' };
}

export function formFromPolicy(policy: Policy | null): PolicyFormState {
  const empty = { adminPassword: '', clearAdminPassword: false };
  if (!policy) return { name: '', description: '', settings: newPolicySettings(), apps: [], ...empty };
  return {
    name: policy.name,
    description: policy.description ?? '',
    settings: { ...newPolicySettings(), ...policy.settings },
    apps: policy.apps.map((app) => ({ ...newAppRow(app.packageName, app.appVersionId), action: app.action })),
    ...empty,
  };
}

export type FormProblem =
  | 'nameMissing'
  | 'updateWindowHalf'
  | 'updateWindowEmpty'
  | 'systemWindowMissing'
  | 'kioskAppMissing'
  | 'appPackageMissing'
  | 'appVersionMissing';

/** First problem that keeps the form from being saved, or null. The server checks the same rules. */
export function formProblem(form: PolicyFormState): FormProblem | null {
  const settings = form.settings;
  if (form.name.trim() === '') return 'nameMissing';
  if ((settings.appUpdateFrom === null) !== (settings.appUpdateTo === null)) return 'updateWindowHalf';
  if (settings.appUpdateFrom !== null && settings.appUpdateFrom === settings.appUpdateTo) return 'updateWindowEmpty';
  if (settings.systemUpdateType === 2) {
    if (settings.systemUpdateFrom === null || settings.systemUpdateTo === null) return 'systemWindowMissing';
    if (settings.systemUpdateFrom === settings.systemUpdateTo) return 'updateWindowEmpty';
  }
  if (settings.kioskMode && !settings.kioskApp) return 'kioskAppMissing';
  for (const app of form.apps) {
    if (app.packageName === '') return 'appPackageMissing';
    if (app.action === 'install' && app.appVersionId === null) return 'appVersionMissing';
  }
  return null;
}

/**
 * Request body for POST and PUT /policies. The OS update window is sent only
 * with the window update type, which the server requires. Without a new
 * password the saved one is kept.
 */
export function policyInput(form: PolicyFormState): PolicyInput {
  const settings = { ...form.settings };
  if (settings.systemUpdateType !== 2) {
    settings.systemUpdateFrom = null;
    settings.systemUpdateTo = null;
  }
  return {
    name: form.name.trim(),
    description: form.description.trim(),
    settings,
    ...(form.adminPassword !== '' && { adminPassword: form.adminPassword }),
    ...(form.adminPassword === '' && form.clearAdminPassword && { clearAdminPassword: true }),
    apps: form.apps.map((app) => ({
      packageName: app.packageName,
      appVersionId: app.action === 'remove' ? null : app.appVersionId,
      action: app.action,
    })),
  };
}
