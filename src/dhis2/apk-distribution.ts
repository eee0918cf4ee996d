import { createHash } from 'node:crypto';

// The APK_DISTRIBUTION dataStore namespace that DHIS2 Capture reads to
// offer an in-app update: `latestVersion` {version, downloadURL} and
// `versions` {versions: [entry]}. Entries keep every field they came with,
// so that a write by Outpost never drops what another tool stored.

export const APK_NAMESPACE = 'APK_DISTRIBUTION';

export interface ApkEntry {
  version?: unknown;
  downloadURL?: unknown;
  isDefault?: unknown;
  userGroups?: unknown;
  androidOSVersion?: unknown;
  dhis2Version?: unknown;
  [field: string]: unknown;
}

export interface LatestVersion {
  version: string | null;
  downloadURL: string | null;
}

/** Reads the `versions` value; anything else than {versions: [...]} reads as no entries plus a problem. */
export function readVersionsValue(value: unknown): { entries: ApkEntry[]; rest: Record<string, unknown>; problem: string | null } {
  if (value === undefined || value === null) return { entries: [], rest: {}, problem: null };
  if (typeof value !== 'object' || Array.isArray(value) || !Array.isArray((value as { versions?: unknown }).versions)) {
    return { entries: [], rest: {}, problem: 'APK_DISTRIBUTION/versions is not of the form {"versions": [...]}.' };
  }
  const { versions, ...rest } = value as { versions: unknown[] };
  const entries = versions.filter((entry): entry is ApkEntry => typeof entry === 'object' && entry !== null && !Array.isArray(entry));
  return { entries, rest, problem: entries.length === versions.length ? null : 'Some versions entries are not objects and were left out.' };
}

export function groupsOf(entry: ApkEntry): string[] {
  return Array.isArray(entry.userGroups) ? entry.userGroups.filter((id): id is string => typeof id === 'string') : [];
}

export function versionText(entry: { version?: unknown }): string | null {
  return typeof entry.version === 'string' ? entry.version : null;
}

/**
 * Compares dotted versions as DHIS2 Capture does: number by number, a
 * leading 'v' ignored, a missing part counting as 0.
 */
export function compareAppVersions(a: string, b: string): number {
  const parts = (text: string) => text.replace(/^v/i, '').split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const left = parts(a);
  const right = parts(b);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The version DHIS2 Capture offers to a member of `groupIds`: the highest of
 * the entries naming one of the groups and the default entries, or
 * latestVersion when none applies.
 */
export function offeredVersion(entries: readonly ApkEntry[], latest: LatestVersion | null, groupIds: readonly string[]): { version: string | null; downloadURL: string | null; from: 'group' | 'default' | 'latest' | 'none' } {
  let best: { entry: ApkEntry; from: 'group' | 'default' } | null = null;
  for (const entry of entries) {
    const version = versionText(entry);
    if (!version) continue;
    const forGroup = groupsOf(entry).some((id) => groupIds.includes(id));
    if (!forGroup && entry.isDefault !== true) continue;
    if (!best || compareAppVersions(version, versionText(best.entry)!) > 0) best = { entry, from: forGroup ? 'group' : 'default' };
  }
  if (best) return { version: versionText(best.entry), downloadURL: typeof best.entry.downloadURL === 'string' ? best.entry.downloadURL : null, from: best.from };
  if (latest?.version) return { version: latest.version, downloadURL: latest.downloadURL, from: 'latest' };
  return { version: null, downloadURL: null, from: 'none' };
}

/** Hashes a dataStore value, so that a write can detect that someone changed it after the manager's review. */
export function valueHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null)).digest('hex').slice(0, 32);
}

export function sameEntry(a: ApkEntry, b: ApkEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Android release of each API level, for an entry's androidOSVersion.min,
// which DHIS2 Capture compares with the phone's release.
const RELEASE_OF_API: ReadonlyArray<[number, string]> = [
  [21, '5.0'],
  [22, '5.1'],
  [23, '6.0'],
  [24, '7.0'],
  [25, '7.1'],
  [26, '8.0'],
  [27, '8.1'],
  [28, '9'],
  [29, '10'],
  [30, '11'],
  [31, '12'],
  [33, '13'],
  [34, '14'],
  [35, '15'],
  [36, '16'],
];

export function androidReleaseOfApi(apiLevel: number | null): string | null {
  if (apiLevel === null) return null;
  const found = RELEASE_OF_API.find(([level]) => level >= apiLevel);
  return found ? found[1] : null;
}
