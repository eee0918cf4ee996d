import { compareAppVersions, groupsOf, sameEntry, versionText, type ApkEntry } from './apk-distribution.js';

/** The entry Outpost wants DHIS2 Capture to offer one user group, or null for none. */
export interface DesiredGroupEntry {
  groupId: string;
  entry: ApkEntry | null;
}

export type PlanAction = 'add' | 'update' | 'remove' | 'release_group';

export interface PlanChange {
  action: PlanAction;
  groupId: string;
  before: ApkEntry | null;
  after: ApkEntry | null;
  /** True when the change touches an entry Outpost did not write (or one edited since): it waits for the manager's confirmation. */
  needsConfirmation: boolean;
  reason: string;
}

export interface ApkPlan {
  /** The versions list after the plan: confirmed changes applied, unconfirmed ones left out. */
  entries: ApkEntry[];
  changes: PlanChange[];
  warnings: string[];
}

export interface PlanInput {
  entries: readonly ApkEntry[];
  desired: readonly DesiredGroupEntry[];
  /** Whether a download URL points at this Outpost; entries with such a URL are Outpost's. */
  isOutpostUrl: (url: string) => boolean;
  /** The entry Outpost last wrote for each group, to tell its own entries from edited ones. */
  written: Readonly<Record<string, ApkEntry>>;
  /** Apply changes to entries Outpost did not write. */
  confirmed: boolean;
}

/**
 * Plans a write of APK_DISTRIBUTION/versions. Outpost owns the entries it
 * wrote, which name one user group each and a download URL on Outpost, so
 * it changes them freely. It changes any other entry only with `confirmed`.
 *
 * @example
 * const plan = planApkWrite({ entries, desired, isOutpostUrl, written, confirmed: false });
 * if (plan.changes.some((change) => change.needsConfirmation)) showDiffAndAsk(plan);
 */
export function planApkWrite(input: PlanInput): ApkPlan {
  const result: (ApkEntry | null)[] = input.entries.map((entry) => ({ ...entry }));
  const changes: PlanChange[] = [];
  const warnings: string[] = [];
  const ownGroup = (entry: ApkEntry | null): string | null => {
    if (!entry || typeof entry.downloadURL !== 'string' || !input.isOutpostUrl(entry.downloadURL)) return null;
    const groups = groupsOf(entry);
    return groups.length === 1 ? groups[0]! : null;
  };
  const editedByOthers = (groupId: string, entry: ApkEntry) => !input.written[groupId] || !sameEntry(input.written[groupId], entry);

  const apply = (change: PlanChange, index: number, next: ApkEntry | null) => {
    changes.push(change);
    if (!change.needsConfirmation || input.confirmed) result[index] = next;
  };

  const desiredGroups = new Set(input.desired.map((item) => item.groupId));
  for (const desired of input.desired) {
    const index = result.findIndex((entry) => ownGroup(entry) === desired.groupId);
    const existing = index >= 0 ? input.entries[index]! : null;
    const guarded = existing !== null && editedByOthers(desired.groupId, existing);

    if (desired.entry === null) {
      if (existing) apply({ action: 'remove', groupId: desired.groupId, before: existing, after: null, needsConfirmation: guarded, reason: guardReason(guarded, 'the group is not reached or the rollout stopped') }, index, null);
    } else if (!existing) {
      result.push(null);
      apply({ action: 'add', groupId: desired.groupId, before: null, after: desired.entry, needsConfirmation: false, reason: 'the rollout reached the group' }, result.length - 1, desired.entry);
    } else if (!sameEntry(existing, desired.entry)) {
      apply({ action: 'update', groupId: desired.groupId, before: existing, after: desired.entry, needsConfirmation: guarded, reason: guardReason(guarded, 'the rollout target changed') }, index, desired.entry);
    }

    if (desired.entry !== null) releaseFromForeignEntries(input, result, desired, apply, ownGroup, warnings);
  }

  // Entries Outpost wrote for groups no longer linked to a rollout.
  for (const [index, entry] of input.entries.entries()) {
    const groupId = ownGroup(entry);
    if (groupId === null || desiredGroups.has(groupId)) continue;
    const guarded = editedByOthers(groupId, entry);
    apply({ action: 'remove', groupId, before: entry, after: null, needsConfirmation: guarded, reason: guardReason(guarded, 'the group is no longer linked to a rollout') }, index, null);
  }

  return { entries: result.filter((entry): entry is ApkEntry => entry !== null), changes, warnings };
}

/**
 * DHIS2 Capture offers the highest version among a user's entries, so a
 * foreign entry naming the group with a higher version would win over the
 * rollout. Taking the group out of that entry changes it: it needs confirmation.
 */
function releaseFromForeignEntries(
  input: PlanInput,
  result: (ApkEntry | null)[],
  desired: DesiredGroupEntry,
  apply: (change: PlanChange, index: number, next: ApkEntry | null) => void,
  ownGroup: (entry: ApkEntry | null) => string | null,
  warnings: string[],
): void {
  const target = versionText(desired.entry!) ?? '';
  for (const [index, entry] of input.entries.entries()) {
    if (ownGroup(entry) !== null) continue;
    const version = versionText(entry);
    if (!version || compareAppVersions(version, target) <= 0) continue;

    if (entry.isDefault === true) {
      warnings.push(`The default entry offers ${version} to every user, above the rollout's ${target}; group ${desired.groupId} gets ${version} until that entry changes.`);
      continue;
    }
    // A confirmed plan may already have taken another group out of this entry.
    const base = input.confirmed ? result[index] : entry;
    if (!base) continue;
    const groups = groupsOf(base);
    if (!groups.includes(desired.groupId)) continue;

    const remaining = groups.filter((id) => id !== desired.groupId);
    const after = remaining.length === 0 ? null : { ...base, userGroups: remaining };
    apply(
      {
        action: 'release_group',
        groupId: desired.groupId,
        before: base,
        after,
        needsConfirmation: true,
        reason: `an entry Outpost did not write offers ${version} to the group, above the rollout's ${target}`,
      },
      index,
      after,
    );
  }
}

function guardReason(guarded: boolean, reason: string): string {
  return guarded ? `${reason}; the entry was not written by Outpost or was edited since` : reason;
}
