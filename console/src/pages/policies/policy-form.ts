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

let nextRowKey = 1;

export function newAppRow(packageName = '', appVersionId: string | null = null): PolicyAppRow {
  return { key: nextRowKey++, packageName, appVersionId, action: 'install' };
}

/**
 * Returns the form of a saved policy, or of a new one from `defaults`, the
 * server's settings for a new policy.
 */
export function formFromPolicy(policy: Policy | null, defaults: PolicySettings): PolicyFormState {
  const empty = { adminPassword: '', clearAdminPassword: false };
  if (!policy) return { name: '', description: '', settings: { ...defaults }, apps: [], ...empty };
  return {
    name: policy.name,
    description: policy.description ?? '',
    settings: { ...defaults, ...policy.settings },
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
