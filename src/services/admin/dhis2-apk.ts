import { requireFleetScope, requireRole, type Caller } from '../../auth/caller.js';
import type { AppContext } from '../../context.js';
import { routePrefix } from '../../config.js';
import { APK_NAMESPACE, offeredVersion, readVersionsValue, valueHash, type ApkEntry, type LatestVersion } from '../../dhis2/apk-distribution.js';
import { planApkWrite, type PlanChange } from '../../dhis2/apk-plan.js';
import type { Dhis2Client } from '../../dhis2/client.js';
import { Dhis2Error } from '../../dhis2/errors.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { computeGroupTargets, type GroupRolloutLink, type GroupTarget } from './dhis2-apk-targets.js';
import { loadDhis2Client, withDhis2Errors } from './dhis2-connection.js';

export const APK_SETTINGS_KEY = 'dhis2.apkDistribution';
const VERSIONS_PATH = `/api/dataStore/${APK_NAMESPACE}/versions`;
const LATEST_PATH = `/api/dataStore/${APK_NAMESPACE}/latestVersion`;
// More links than user groups a programme has is a mistake in the request.
const MAX_LINKS = 500;

export interface ApkSettings {
  /** Off by default: Outpost only reads APK_DISTRIBUTION until a manager turns writing on. */
  writeEnabled: boolean;
  links: GroupRolloutLink[];
  /** The entry Outpost last wrote per group, to tell its entries from ones edited since. */
  written: Record<string, ApkEntry>;
}

export interface ApkGroupView {
  id: string;
  name: string;
  members: number;
  /** Version DHIS2 Capture offers a member of this group alone now. */
  offered: ReturnType<typeof offeredVersion>;
  target: Omit<GroupTarget, 'groupId'> | null;
}

export interface ApkDistributionView {
  settings: { writeEnabled: boolean; links: GroupRolloutLink[] };
  latestVersion: LatestVersion | null;
  entries: (ApkEntry & { owner: 'outpost' | 'other' })[];
  groups: ApkGroupView[];
  /** Changes a write would make now; those that need confirmation are marked. */
  plan: { changes: PlanChange[]; warnings: string[] };
  /** Fingerprint of the versions value read; a write must send it back. */
  versionsHash: string;
  problems: string[];
}

export async function readApkSettings(ctx: AppContext): Promise<ApkSettings> {
  const stored = await ctx.store.settings.get<Partial<ApkSettings>>(APK_SETTINGS_KEY);
  return { writeEnabled: stored?.writeEnabled ?? false, links: stored?.links ?? [], written: stored?.written ?? {} };
}

/** Reads APK_DISTRIBUTION from DHIS2 and returns the version offered to each user group, and the changes a write would make. */
export async function getApkDistribution(ctx: AppContext, caller: Caller): Promise<ApkDistributionView> {
  requireRole(caller, 'viewer');

  const settings = await readApkSettings(ctx);
  const { client } = await loadDhis2Client(ctx);
  const remote = await withDhis2Errors(() => readRemote(client));
  const targets = await computeGroupTargets(ctx, settings.links, settings.written);
  const plan = planApkWrite({ entries: remote.entries, desired: targets, isOutpostUrl: outpostUrlTest(ctx), written: settings.written, confirmed: false });

  const groups = await ctx.store.dhis2Directory.listGroups();
  const isOutpost = outpostUrlTest(ctx);
  return {
    settings: { writeEnabled: settings.writeEnabled, links: settings.links },
    latestVersion: remote.latest,
    entries: remote.entries.map((entry) => ({ ...entry, owner: typeof entry.downloadURL === 'string' && isOutpost(entry.downloadURL) ? 'outpost' : 'other' })),
    groups: groups
      .filter((group) => !group.removed)
      .map((group) => {
        const target = targets.find((item) => item.groupId === group.id);
        return {
          id: group.id,
          name: group.name,
          members: group.members,
          offered: offeredVersion(remote.entries, remote.latest, [group.id]),
          target: target ? { rolloutId: target.rolloutId, entry: target.entry, status: target.status, devices: target.devices, selected: target.selected } : null,
        };
      }),
    plan: { changes: plan.changes, warnings: plan.warnings },
    versionsHash: remote.hash,
    problems: remote.problems,
  };
}

export async function saveApkSettings(ctx: AppContext, caller: Caller, input: { writeEnabled: boolean; links: GroupRolloutLink[] }): Promise<ApkSettings> {
  requireRole(caller, 'admin');
  requireFleetScope(caller, 'Changing how Outpost writes APK_DISTRIBUTION');
  if (input.links.length > MAX_LINKS) throw new InvalidInputError(`Give at most ${MAX_LINKS} links.`, 'body.links');

  const seen = new Set<string>();
  const groups = new Map((await ctx.store.dhis2Directory.listGroups()).map((group) => [group.id, group]));
  for (const [index, link] of input.links.entries()) {
    if (seen.has(link.userGroupId)) {
      throw new InvalidInputError(`User group ${link.userGroupId} is linked twice; a group follows one rollout.`, `body.links.${index}.userGroupId`);
    }
    seen.add(link.userGroupId);
    if (!groups.get(link.userGroupId) || groups.get(link.userGroupId)!.removed) {
      throw new NotFoundError(`User group ${link.userGroupId} is not among the synced DHIS2 user groups; sync with DHIS2 or pick a listed group.`, `body.links.${index}.userGroupId`);
    }
    if (!(await ctx.store.rollouts.findById(link.rolloutId))) {
      throw new NotFoundError(`Rollout ${link.rolloutId} was not found; pick one from the rollout list.`, `body.links.${index}.rolloutId`);
    }
  }

  const current = await readApkSettings(ctx);
  const next: ApkSettings = { ...current, writeEnabled: input.writeEnabled, links: input.links.map((link) => ({ userGroupId: link.userGroupId, rolloutId: link.rolloutId })) };
  const now = ctx.now();
  await ctx.store.settings.set(APK_SETTINGS_KEY, next, now);
  await ctx.store.audit.record(
    { actor: caller.username, action: 'dhis2.apk_distribution.settings', targetType: 'setting', targetId: APK_SETTINGS_KEY, details: { writeEnabled: next.writeEnabled, links: next.links } },
    now,
  );
  return next;
}

export interface ApkWriteResult {
  written: boolean;
  applied: PlanChange[];
  /** Changes left out because they touch entries Outpost did not write; send confirm to apply them. */
  awaitingConfirmation: PlanChange[];
  warnings: string[];
  versionsHash: string;
}

/**
 * Writes Outpost's entries to APK_DISTRIBUTION/versions. `expectedHash` is
 * the fingerprint of the value the manager reviewed; a value changed since
 * is refused. Entries Outpost did not write change only with `confirm`.
 */
export async function writeApkDistribution(
  ctx: AppContext,
  caller: Caller | 'system',
  input: { expectedHash?: string; confirm?: boolean },
): Promise<ApkWriteResult> {
  if (caller !== 'system') {
    requireRole(caller, 'admin');
    requireFleetScope(caller, 'Writing APK_DISTRIBUTION');
  }
  const actor = caller === 'system' ? 'system' : caller.username;
  const confirm = caller !== 'system' && input.confirm === true;

  const settings = await readApkSettings(ctx);
  if (!settings.writeEnabled) {
    throw new ConflictError('apk_write_disabled', 'Writing APK_DISTRIBUTION is off. Turn it on in the APK distribution settings first.', 'body.writeEnabled');
  }
  const { client } = await loadDhis2Client(ctx);
  const remote = await withDhis2Errors(() => readRemote(client));
  if (input.expectedHash !== undefined && input.expectedHash !== remote.hash) {
    throw new ConflictError(
      'apk_distribution_changed',
      'APK_DISTRIBUTION/versions changed in DHIS2 since you reviewed it. Reload the page, check the new differences and write again.',
      'body.expectedHash',
    );
  }
  if (remote.problems.length > 0 && remote.exists) {
    throw new ConflictError('apk_distribution_unreadable', `Outpost will not overwrite a value it cannot read: ${remote.problems.join(' ')}`);
  }

  const targets = await computeGroupTargets(ctx, settings.links, settings.written);
  const plan = planApkWrite({ entries: remote.entries, desired: targets, isOutpostUrl: outpostUrlTest(ctx), written: settings.written, confirmed: confirm });
  const applied = plan.changes.filter((change) => !change.needsConfirmation || confirm);
  const awaiting = plan.changes.filter((change) => change.needsConfirmation && !confirm);
  if (applied.length === 0) return { written: false, applied, awaitingConfirmation: awaiting, warnings: plan.warnings, versionsHash: remote.hash };

  // NOTE: the dataStore has no conditional PUT, so an edit made in DHIS2
  // between this read and the write below is overwritten. The window is one
  // request long; expectedHash covers the much longer time of a review.
  const value = { ...remote.rest, versions: plan.entries };
  await withDhis2Errors(() => writeValue(client, value, remote.exists));

  const written = { ...settings.written };
  for (const change of applied) {
    if (change.action === 'add' || change.action === 'update') written[change.groupId] = change.after!;
    if (change.action === 'remove') delete written[change.groupId];
  }
  const now = ctx.now();
  await ctx.store.settings.set(APK_SETTINGS_KEY, { ...settings, written }, now);
  await ctx.store.audit.record(
    {
      actor,
      action: 'dhis2.apk_distribution.write',
      targetType: 'dhis2_datastore',
      targetId: `${APK_NAMESPACE}/versions`,
      details: {
        confirmed: confirm,
        hashBefore: remote.hash,
        hashAfter: valueHash(value),
        changes: applied.map((change) => ({
          action: change.action,
          groupId: change.groupId,
          before: change.before?.version ?? null,
          after: change.after?.version ?? null,
          foreign: change.needsConfirmation,
        })),
      },
    },
    now,
  );
  return { written: true, applied, awaitingConfirmation: awaiting, warnings: plan.warnings, versionsHash: valueHash(value) };
}

async function readRemote(client: Dhis2Client) {
  const versionsValue = await getOptional(client, VERSIONS_PATH);
  const latestValue = (await getOptional(client, LATEST_PATH)) as { version?: unknown; downloadURL?: unknown } | undefined;
  const read = readVersionsValue(versionsValue);
  const latest: LatestVersion | null = latestValue
    ? { version: typeof latestValue.version === 'string' ? latestValue.version : null, downloadURL: typeof latestValue.downloadURL === 'string' ? latestValue.downloadURL : null }
    : null;
  return {
    exists: versionsValue !== undefined,
    entries: read.entries,
    rest: read.rest,
    latest,
    hash: valueHash(versionsValue),
    problems: read.problem ? [read.problem] : [],
  };
}

async function getOptional(client: Dhis2Client, path: string): Promise<unknown> {
  try {
    return await client.get<unknown>(path);
  } catch (error) {
    if (error instanceof Dhis2Error && error.kind === 'not_found') return undefined;
    throw error;
  }
}

async function writeValue(client: Dhis2Client, value: unknown, exists: boolean): Promise<void> {
  if (exists) await client.put(VERSIONS_PATH, value);
  else await client.post(VERSIONS_PATH, value);
}

/** Download URLs under this Outpost's public address mark Outpost's own entries. */
function outpostUrlTest(ctx: AppContext): (url: string) => boolean {
  const prefix = `${ctx.config.publicUrl.origin}${routePrefix(ctx.config)}/files/apps/`;
  return (url) => url.startsWith(prefix);
}
