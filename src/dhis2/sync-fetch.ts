import type { Dhis2Client } from './client.js';
import { shiftDhis2Time } from './dates.js';
import { Dhis2Error } from './errors.js';
import {
  fetchAllIds,
  fetchAllPages,
  GROUP_FIELDS,
  IDS_PER_FILTER,
  readOrgUnit,
  readUser,
  readUserGroup,
  UNIT_FIELDS,
  UNIT_PAGE_SIZE,
  USER_PAGE_SIZE,
  userFields,
  type RemoteOrgUnit,
  type RemoteUser,
  type RemoteUserGroup,
} from './remote.js';
import { parseDhis2Version, versionSupport, type Dhis2Version } from './version.js';

/** Everything DHIS2 has now, as far as Outpost keeps it. */
export interface RemoteSnapshot {
  version: Dhis2Version;
  /** DHIS2's clock when the run began; the next incremental run requests changes after it. */
  cutoff: string | null;
  units: Map<string, RemoteOrgUnit>;
  users: Map<string, RemoteUser>;
  groups: Map<string, RemoteUserGroup>;
  warnings: string[];
}

export interface FetchPlan {
  /** DHIS2 time of the last good run; null fetches everything. */
  since: string | null;
  /** Units and users Outpost stores from DHIS2 (not removed), reused when DHIS2 reports them unchanged. */
  knownUnits: ReadonlyMap<string, RemoteOrgUnit>;
  knownUsers: ReadonlyMap<string, RemoteUser>;
}

export interface FetchProgress {
  (phase: string, done: number, total: number): Promise<void>;
}

// Clocks of DHIS2's application servers and database may differ. An edit
// saved while the last run read its page may also carry a slightly older
// time. Requesting ten more minutes before the cutoff costs a few objects
// that compare equal.
const CUTOFF_OVERLAP_MS = 10 * 60_000;

/**
 * Reads DHIS2's version, user groups, org units and users. With `since`,
 * units and users come as changes after it plus a list of ids (which shows
 * removals); without, everything is read in pages.
 */
export async function fetchSnapshot(client: Dhis2Client, plan: FetchPlan, progress: FetchProgress): Promise<RemoteSnapshot> {
  const info = await client.get<Record<string, unknown>>('/api/system/info');
  const version = parseDhis2Version(info.version);
  if (!version) throw new Dhis2Error('bad_response', 'DHIS2 returned /api/system/info without a version. Check that the base URL is a DHIS2 server.');
  if (versionSupport(version) === 'too_old') {
    throw new Dhis2Error('unsupported_version', `DHIS2 ${version.text} is older than 2.38, the oldest version Outpost syncs with. Upgrade DHIS2 first.`);
  }

  const warnings: string[] = [];
  if (versionSupport(version) === 'newer') warnings.push(`DHIS2 ${version.text} is newer than the versions Outpost was tested with (2.38 to 2.43).`);
  const timeZone = typeof info.serverTimeZoneId === 'string' ? info.serverTimeZoneId : 'UTC';
  const cutoff = typeof info.serverDate === 'string' ? info.serverDate : null;
  if (!cutoff) warnings.push('DHIS2 did not tell its server time, so the next run reads everything again.');
  const since = plan.since ? shiftDhis2Time(plan.since, -CUTOFF_OVERLAP_MS) : null;

  await progress('user groups', 0, 0);
  const groupItems = await fetchAllPages(client, 'userGroups', { fields: GROUP_FIELDS }, 50);
  const groups = keep(groupItems, readUserGroup, 'user groups', warnings);

  const units = await fetchObjects(client, {
    resource: 'organisationUnits',
    label: 'units',
    fields: UNIT_FIELDS,
    pageSize: UNIT_PAGE_SIZE,
    since,
    known: plan.knownUnits,
    read: readOrgUnit,
    progress,
    warnings,
  });
  const users = await fetchObjects(client, {
    resource: 'users',
    label: 'users',
    fields: userFields(version),
    pageSize: USER_PAGE_SIZE,
    since,
    known: plan.knownUsers,
    read: (item) => readUser(item, timeZone),
    progress,
    warnings,
  });

  return { version, cutoff, units, users, groups, warnings };
}

interface ObjectFetch<T extends { id: string }> {
  resource: string;
  label: string;
  fields: string;
  pageSize: number;
  since: string | null;
  known: ReadonlyMap<string, T>;
  read: (item: Record<string, unknown>) => T | null;
  progress: FetchProgress;
  warnings: string[];
}

async function fetchObjects<T extends { id: string }>(client: Dhis2Client, job: ObjectFetch<T>): Promise<Map<string, T>> {
  const onPage = (done: number, total: number) => job.progress(job.label, done, total);
  if (job.since === null) {
    const items = await fetchAllPages(client, job.resource, { fields: job.fields }, job.pageSize, onPage);
    return keep(items, job.read, job.label, job.warnings);
  }

  const changedItems = await fetchAllPages(
    client,
    job.resource,
    { fields: job.fields, filter: `lastUpdated:gt:${job.since}` },
    job.pageSize,
    onPage,
  );
  const changed = keep(changedItems, job.read, job.label, job.warnings);

  await job.progress(`${job.label}: checking for removals`, 0, 0);
  const ids = await fetchAllIds(client, job.resource);

  // Objects DHIS2 has, that did not change, and that Outpost lacks (an
  // earlier run skipped them, or they were restored): fetch them by id.
  const missing = [...ids].filter((id) => !changed.has(id) && !job.known.has(id));
  for (let start = 0; start < missing.length; start += IDS_PER_FILTER) {
    const batch = missing.slice(start, start + IDS_PER_FILTER);
    const items = await fetchAllPages(client, job.resource, { fields: job.fields, filter: `id:in:[${batch.join(',')}]` }, job.pageSize);
    for (const [id, object] of keep(items, job.read, job.label, job.warnings)) changed.set(id, object);
  }

  const all = new Map<string, T>();
  for (const id of ids) {
    const object = changed.get(id) ?? job.known.get(id);
    if (object) all.set(id, object);
  }
  return all;
}

function keep<T extends { id: string }>(
  items: Record<string, unknown>[],
  read: (item: Record<string, unknown>) => T | null,
  label: string,
  warnings: string[],
): Map<string, T> {
  const kept = new Map<string, T>();
  let skipped = 0;
  for (const item of items) {
    const object = read(item);
    if (object) kept.set(object.id, object);
    else skipped++;
  }
  if (skipped > 0) warnings.push(`Skipped ${skipped} ${label} without a valid DHIS2 id${label === 'units' ? ' or path' : ' or username'}.`);
  return kept;
}
