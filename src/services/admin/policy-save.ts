import { createHash } from 'node:crypto';

import { Value } from '@sinclair/typebox/value';

import { requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { defaultPolicySettings, PolicySettingsSchema, type PolicySettings } from '../../domain/policy-settings.js';
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
  /** Settings to change; every other setting takes its default. */
  settings?: Record<string, unknown>;
  /** Admin-panel password in clear text; only its MD5 is stored, because the agent compares MD5 hashes. */
  adminPassword?: string;
  apps?: PolicyAppInput[];
}

export const MAX_POLICY_NAME_LENGTH = 100;
export const MAX_POLICY_DESCRIPTION_LENGTH = 2000;
/** Android package names are at most 255 characters. */
export const PACKAGE_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+$';

/** Creates a policy as its version 1. */
export async function createPolicy(ctx: AppContext, caller: Caller, input: PolicyInput): Promise<PolicyView> {
  requireRole(caller, 'admin');

  return savePolicy(ctx, caller, newId(), input, null);
}

/** Replaces a policy's name, description, settings and apps as a new version, and wakes its devices. */
export async function updatePolicy(ctx: AppContext, caller: Caller, id: string, input: PolicyInput): Promise<PolicyView> {
  requireRole(caller, 'admin');

  const existing = await findPolicyOrThrow(ctx, id);
  return savePolicy(ctx, caller, id, input, existing.name);
}

async function savePolicy(
  ctx: AppContext,
  caller: Caller,
  id: string,
  input: PolicyInput,
  previousName: string | null,
): Promise<PolicyView> {
  const name = input.name.trim();
  if (name === '' || name.length > MAX_POLICY_NAME_LENGTH) {
    throw new InvalidInputError(`Invalid policy name: give 1 to ${MAX_POLICY_NAME_LENGTH} characters.`, 'body.name');
  }
  const sameName = await ctx.store.policies.findByName(name);
  if (sameName && sameName.id !== id) {
    throw new ConflictError('policy_name_taken', `A policy named "${name}" already exists; choose another name.`, 'body.name');
  }

  const settings = buildSettings(input);
  const apps = await checkApps(ctx, input.apps ?? []);
  const now = ctx.now();
  const version = await ctx.store.policies.save(
    { id, name, description: input.description ?? '', settingsJson: JSON.stringify(settings) },
    apps,
    caller.username,
    now,
  );

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
        adminPasswordChanged: input.adminPassword !== undefined,
        apps: apps.map((app) => ({ packageName: app.packageName, appVersionId: app.appVersionId, action: app.action })),
      },
    },
    now,
  );

  const devices = await ctx.store.devices.listPksByPolicy(id);
  notifyConfigChanged(ctx, devices.map((device) => device.device_id));

  const row = await findPolicyOrThrow(ctx, id);
  return toPolicyView(ctx, row, devices.length);
}

/**
 * Merges the given settings over the defaults and checks the result.
 * adminPassword becomes the upper-case hex MD5 the agent expects.
 */
function buildSettings(input: PolicyInput): PolicySettings {
  const requested = input.settings ?? {};
  if (input.adminPassword !== undefined && requested.adminPasswordMd5 !== undefined) {
    throw new InvalidInputError(
      'Send either adminPassword or settings.adminPasswordMd5, not both.',
      'body.adminPassword',
    );
  }

  const merged: Record<string, unknown> = { ...defaultPolicySettings(), ...requested };
  if (input.adminPassword !== undefined) {
    merged.adminPasswordMd5 = createHash('md5').update(input.adminPassword, 'utf8').digest('hex').toUpperCase();
  }

  const error = Value.Errors(PolicySettingsSchema, merged).First();
  if (error) {
    const field = `body.settings${error.path.replace(/\//g, '.')}`;
    if (error.path.split('/').length === 2 && !(error.path.slice(1) in defaultPolicySettings())) {
      throw new InvalidInputError(`Unknown setting ${field}: remove it or check its spelling.`, field);
    }
    throw new InvalidInputError(`Invalid ${field}: ${error.message}.`, field);
  }
  return merged as PolicySettings;
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
