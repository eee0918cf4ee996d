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
  apps: PolicyAppRow[];
}

/**
 * Settings a new policy starts with: every radio and restriction left
 * unmanaged and push by long polling, which needs no MQTT broker.
 */
export function newPolicySettings(): PolicySettings {
  return {
    pushMode: 'polling',
    adminPasswordMd5: null,
    restrictions: [],
    passwordMode: null,
    gps: null,
    wifi: null,
    bluetooth: null,
    mobileData: null,
    appUpdateFrom: null,
    appUpdateTo: null,
    downloadNetwork: null,
  };
}

let nextRowKey = 1;

export function newAppRow(packageName = '', appVersionId: string | null = null): PolicyAppRow {
  return { key: nextRowKey++, packageName, appVersionId, action: 'install' };
}

export function formFromPolicy(policy: Policy | null): PolicyFormState {
  if (!policy) return { name: '', description: '', settings: newPolicySettings(), adminPassword: '', apps: [] };
  return {
    name: policy.name,
    description: policy.description ?? '',
    // Fields the console does not edit are sent back unchanged.
    settings: { ...newPolicySettings(), ...policy.settings },
    adminPassword: '',
    apps: policy.apps.map((app) => ({ ...newAppRow(app.packageName, app.appVersionId), action: app.action })),
  };
}

export type FormProblem = 'nameMissing' | 'updateWindowHalf' | 'appPackageMissing' | 'appVersionMissing';

/** First problem that keeps the form from being saved, or null. */
export function formProblem(form: PolicyFormState): FormProblem | null {
  if (form.name.trim() === '') return 'nameMissing';
  if ((form.settings.appUpdateFrom === null) !== (form.settings.appUpdateTo === null)) return 'updateWindowHalf';
  for (const app of form.apps) {
    if (app.packageName === '') return 'appPackageMissing';
    if (app.action === 'install' && app.appVersionId === null) return 'appVersionMissing';
  }
  return null;
}

/**
 * Request body for POST and PUT /policies. A new admin-panel password
 * replaces the stored hash, and the API rejects a body that has both.
 */
export function policyInput(form: PolicyFormState): PolicyInput {
  const changePassword = form.adminPassword !== '';
  const { adminPasswordMd5, ...otherSettings } = form.settings;
  return {
    name: form.name.trim(),
    description: form.description.trim(),
    settings: changePassword ? otherSettings : { ...otherSettings, adminPasswordMd5 },
    adminPassword: changePassword ? form.adminPassword : undefined,
    apps: form.apps.map((app) => ({
      packageName: app.packageName,
      appVersionId: app.action === 'remove' ? null : app.appVersionId,
      action: app.action,
    })),
  };
}
