import { createHash } from 'node:crypto';

import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { parsePolicySettings } from '../../domain/agent-config.js';
import {
  checkCrossFieldRules,
  checkPolicySettings,
  checkPrintable,
  mergeOverrides,
  type PolicyOverrides,
} from '../../domain/policy-rules.js';
import { defaultPolicySettings, type PolicySettings } from '../../domain/policy-settings.js';
import { newId } from '../../store/ids.js';
import type { PolicyAppEntry } from '../../store/repositories/policies.js';
import { notifyConfigChanged } from '../agent/notify.js';
import { findPolicyOrThrow } from './policies.js';
import { toPolicyView, type PolicyView } from './policy-view.js';

export interface PolicyAppInput {
  packageName: string;
  appVersionId?: string | null;
  action: 'install' | 'remove';
}

export interface PolicyInput {
  name: string;
  description?: string;
  /** Settings to set; every other setting takes its default. */
  settings?: Record<string, unknown>;
  /**
   * Admin-panel password in clear text; only its MD5 is stored, because the
   * agent compares MD5 hashes. Left out, a saved policy keeps its password.
   */
  adminPassword?: string;
  /** True removes the admin-panel password, so the agent falls back to its built-in one. */
  clearAdminPassword?: boolean;
  /** On update, the version the change started from; a policy saved since is not overwritten. */
  expectedVersion?: number;
  apps?: PolicyAppInput[];
}

export const MAX_POLICY_NAME_LENGTH = 100;
export const MAX_POLICY_DESCRIPTION_LENGTH = 2000;
/** Android package names are at most 255 characters. */
export const PACKAGE_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+$';

/** Creates a policy as its version 1. */
export async function createPolicy(ctx: AppContext, caller: Caller, input: PolicyInput): Promise<PolicyView> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Creating a policy');

  return savePolicy(ctx, caller, newId(), input, null, null);
}

/** Replaces a policy's name, description, settings and apps as a new version, and wakes its devices. */
export async function updatePolicy(ctx: AppContext, caller: Caller, id: string, input: PolicyInput): Promise<PolicyView> {
  requireRole(caller, 'admin');
  // A policy may apply to devices of every district, so only a fleet-wide admin changes it.
  requireFleetScope(caller, 'Changing a policy');

  const existing = await findPolicyOrThrow(ctx, id);
  // NOTE: two saves from the same version at the same moment both pass this check.
  if (input.expectedVersion !== undefined && input.expectedVersion !== existing.version) {
    throw new ConflictError(
      'policy_version_conflict',
      `Policy "${existing.name}" was saved as version ${existing.version} after the version ${input.expectedVersion} this change started from. Reload the policy, make the change again and save.`,
      'body.expectedVersion',
    );
  }
  return savePolicy(ctx, caller, id, input, existing.name, parsePolicySettings(existing.settings_json));
}

async function savePolicy(
  ctx: AppContext,
  caller: Caller,
  id: string,
  input: PolicyInput,
  previousName: string | null,
  previous: PolicySettings | null,
): Promise<PolicyView> {
  const name = input.name.trim();
  if (name === '' || name.length > MAX_POLICY_NAME_LENGTH) {
    throw new InvalidInputError(`Invalid policy name: give 1 to ${MAX_POLICY_NAME_LENGTH} characters.`, 'body.name');
  }
  checkPrintable(name, 'body.name');
  // Line breaks and tabs are fine in a description; other control characters are not.
  checkPrintable((input.description ?? '').replace(/[\n\r\t]/g, ' '), 'body.description');
  await checkNameFree(ctx, id, name);

  const settings = buildSettings(input, previous);
  if (previous !== null) await checkDeviceOverrides(ctx, id, settings);
  const apps = await checkApps(ctx, input.apps ?? []);
  const description = input.description ?? '';
  if (previous !== null && (await isUnchanged(ctx, id, { name, description, settings, apps }))) {
    // A new version would wake every device of the policy to download the
    // same configuration, which costs mobile data for no change.
    const devices = await ctx.store.devices.listPksByPolicy(id);
    return toPolicyView(ctx, await findPolicyOrThrow(ctx, id), devices.length, (await ctx.store.policyState.countByPolicy()).get(id));
  }
  const now = ctx.now();
  let version: number;
  try {
    version = await ctx.store.policies.save(
      { id, name, description, settingsJson: JSON.stringify(settings) },
      apps,
      caller.username,
      now,
    );
  } catch (error) {
    // A concurrent save may have taken the name since the check above; the
    // unique index then fails the insert.
    await checkNameFree(ctx, id, name);
    throw error;
  }

  await ctx.store.audit.record(
    {
      actor: caller.username,
      action: previousName === null ? 'policy.create' : 'policy.update',
      targetType: 'policy',
      targetId: id,
      details: {
        name,
        version,
        ...(previousName !== null && previousName !== name && { previousName }),
        adminPasswordChanged: settings.adminPasswordMd5 !== (previous?.adminPasswordMd5 ?? null),
        changedSettings: changedSettingNames(previous ?? defaultPolicySettings(), settings),
        apps: apps.map((app) => ({ packageName: app.packageName, appVersionId: app.appVersionId, action: app.action })),
      },
    },
    now,
  );

  const devices = await ctx.store.devices.listPksByPolicy(id);
  notifyConfigChanged(ctx, devices.map((device) => device.device_id));

  const row = await findPolicyOrThrow(ctx, id);
  const states = await ctx.store.policyState.countByPolicy();
  return toPolicyView(ctx, row, devices.length, states.get(id));
}

interface SavedContent {
  name: string;
  description: string;
  settings: PolicySettings;
  apps: readonly PolicyAppEntry[];
}

/** Returns true when the stored policy has this name, description, settings and app list. */
async function isUnchanged(ctx: AppContext, id: string, content: SavedContent): Promise<boolean> {
  const row = await findPolicyOrThrow(ctx, id);
  if (row.name !== content.name || row.description !== content.description) return false;
  if (changedSettingNames(parsePolicySettings(row.settings_json), content.settings).length > 0) return false;

  const stored = await ctx.store.policies.listApps(id);
  if (stored.length !== content.apps.length) return false;
  const byPackage = new Map(stored.map((app) => [app.package_name, app]));
  return content.apps.every((app) => {
    const saved = byPackage.get(app.packageName);
    return saved !== undefined && saved.action === app.action && (saved.app_version_id ?? null) === app.appVersionId;
  });
}

/**
 * Rejects a name another policy has, ignoring case and spacing, because "CHW phones"
 * and "chw phones" look like one policy in a list. Programmes have tens of
 * policies, so comparing in memory is cheap and folds case the same way on
 * SQLite and PostgreSQL.
 */
async function checkNameFree(ctx: AppContext, id: string, name: string): Promise<void> {
  const folded = foldPolicyName(name);
  const sameName = (await ctx.store.policies.list()).find((policy) => policy.id !== id && foldPolicyName(policy.name) === folded);
  if (sameName) {
    throw new ConflictError('policy_name_taken', `A policy named "${sameName.name}" already exists; choose another name.`, 'body.name');
  }
}

/**
 * Returns a policy name as a list shows it: compatibility forms folded
 * (a no-break space is a space, a full-width letter its plain letter), runs
 * of spaces as one, since HTML shows them so, and lower case.
 */
function foldPolicyName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, ' ').toLocaleLowerCase('en');
}

/**
 * Merges the given settings over the defaults and checks the result.
 * adminPassword becomes the upper-case hex MD5 the agent expects; without
 * it the previous version's password is kept.
 */
function buildSettings(input: PolicyInput, previous: PolicySettings | null): PolicySettings {
  const requested = input.settings ?? {};
  if ('adminPasswordMd5' in requested) {
    throw new InvalidInputError(
      'Unknown setting body.settings.adminPasswordMd5: send the password in clear text as adminPassword; only its MD5 is stored.',
      'body.settings.adminPasswordMd5',
    );
  }
  if (input.adminPassword !== undefined && input.clearAdminPassword === true) {
    throw new InvalidInputError('Send either adminPassword or clearAdminPassword: true, not both.', 'body.clearAdminPassword');
  }

  const merged: Record<string, unknown> = {
    ...defaultPolicySettings(),
    ...requested,
    adminPasswordMd5: input.clearAdminPassword === true ? null : (previous?.adminPasswordMd5 ?? null),
  };
  if (input.adminPassword !== undefined) {
    // A phone keyboard cannot type control characters, so such a password would lock the admin panel.
    checkPrintable(input.adminPassword, 'body.adminPassword');
    merged.adminPasswordMd5 = createHash('md5').update(input.adminPassword, 'utf8').digest('hex').toUpperCase();
  }
  return checkPolicySettings(merged, 'body.settings');
}

/**
 * Rejects new settings under which a device's overrides would break a rule,
 * such as a policy that clears the OS update window a device override
 * moves one end of. The configuration would leave those overrides out.
 */
async function checkDeviceOverrides(ctx: AppContext, policyId: string, settings: PolicySettings): Promise<void> {
  for (const row of await ctx.store.deviceOverrides.listForPolicy(policyId)) {
    const overrides = JSON.parse(row.settings_json) as PolicyOverrides;
    try {
      checkCrossFieldRules(mergeOverrides(settings, overrides), 'settings');
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      throw new ConflictError(
        'device_overrides_conflict',
        `Saving would break the overrides of device ${row.device_id}: ${error.message} Change or clear that device's overrides first, or keep the policy setting they rely on.`,
        'body.settings',
      );
    }
  }
}

/** Names of the settings whose values differ, for the audit trail; the password hash is never named by value. */
function changedSettingNames(before: PolicySettings, after: PolicySettings): string[] {
  return (Object.keys(after) as (keyof PolicySettings)[]).filter(
    (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
  );
}

/** Checks that each app appears once and that every named version exists and belongs to its package. */
async function checkApps(ctx: AppContext, apps: readonly PolicyAppInput[]): Promise<PolicyAppEntry[]> {
  const seen = new Set<string>();
  const entries: PolicyAppEntry[] = [];

  for (const [index, app] of apps.entries()) {
    const field = `body.apps.${index}`;
    if (!new RegExp(PACKAGE_NAME_PATTERN).test(app.packageName)) {
      throw new InvalidInputError(`Invalid ${field}.packageName "${app.packageName}": expected an Android package name such as com.dhis2.`, `${field}.packageName`);
    }
    if (seen.has(app.packageName)) {
      throw new InvalidInputError(`${app.packageName} appears more than once in apps; keep one entry per package.`, `${field}.packageName`);
    }
    seen.add(app.packageName);

    const versionId = app.appVersionId ?? null;
    if (app.action === 'install' && versionId === null) {
      throw new InvalidInputError(`Missing ${field}.appVersionId: an install entry names the version to install.`, `${field}.appVersionId`);
    }
    if (versionId !== null) {
      const version = await ctx.store.apps.findVersionWithPackage(versionId);
      if (!version) {
        throw new NotFoundError(`App version ${versionId} was not found. Take the version id from the app list.`, `${field}.appVersionId`);
      }
      if (version.package_name !== app.packageName) {
        throw new InvalidInputError(
          `App version ${versionId} belongs to ${version.package_name}, not ${app.packageName}. Pick a version of ${app.packageName}.`,
          `${field}.appVersionId`,
        );
      }
    }

    entries.push({ packageName: app.packageName, appVersionId: versionId, action: app.action, showIcon: true, runAfterInstall: false, screenOrder: null });
  }
  return entries;
}
