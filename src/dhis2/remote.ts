import type { Dhis2Client, QueryValue } from './client.js';
import { dhis2TimeToEpoch } from './dates.js';
import { Dhis2Error } from './errors.js';
import { hasUserCredentialsObject, type Dhis2Version } from './version.js';

/** An org unit as DHIS2 has it; `path` is DHIS2's '/root/…/id'. */
export interface RemoteOrgUnit {
  id: string;
  name: string;
  parentId: string | null;
  path: string;
}

export interface RemoteUser {
  id: string;
  username: string;
  firstName: string;
  surname: string;
  email: string | null;
  disabled: boolean;
  lastLoginAt: number | null;
  orgUnitIds: string[];
}

export interface RemoteUserGroup {
  id: string;
  name: string;
  memberIds: string[];
}

/** DHIS2 uids: a letter, then ten letters or digits. */
export const DHIS2_UID = /^[A-Za-z][A-Za-z0-9]{10}$/;

// One page of 1,000 units with these fields is about 150 KB: a few seconds
// on a slow link, and 10 pages for a 10,000-unit country.
export const UNIT_PAGE_SIZE = 1000;
// Users carry org-unit lists, so pages are kept smaller.
export const USER_PAGE_SIZE = 500;
// Id-only pages are tiny; 10,000 ids are about 160 KB.
export const ID_PAGE_SIZE = 10_000;
// A pager that never ends would loop forever; no DHIS2 has this many pages at these sizes.
const MAX_PAGES = 5000;
// DHIS2 limits URL length; 100 uids in one id:in filter stay far under it.
export const IDS_PER_FILTER = 100;

export const UNIT_FIELDS = 'id,name,displayName,path,level,parent[id],lastUpdated';

export function userFields(version: Dhis2Version): string {
  const base = 'id,username,firstName,surname,email,disabled,lastLogin,lastUpdated,organisationUnits[id]';
  return hasUserCredentialsObject(version) ? `${base},userCredentials[username,disabled,lastLogin]` : base;
}

export const GROUP_FIELDS = 'id,name,displayName,users[id]';

export interface PageProgress {
  (fetched: number, total: number): Promise<void> | void;
}

/** Fetches every page of a DHIS2 list; `progress` hears after each page. */
export async function fetchAllPages(
  client: Dhis2Client,
  resource: string,
  query: Record<string, QueryValue>,
  pageSize: number,
  progress?: PageProgress,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const body = await client.get<Record<string, unknown>>(`/api/${resource}`, { ...query, page, pageSize, order: 'id:asc' });
    const list = body[resource];
    if (!Array.isArray(list)) {
      throw new Dhis2Error('bad_response', `DHIS2 returned page ${page} of /api/${resource} without a "${resource}" list.`);
    }
    items.push(...(list as Record<string, unknown>[]));

    const pager = body.pager as { pageCount?: number; total?: number } | undefined;
    const pageCount = pager?.pageCount ?? page;
    await progress?.(items.length, pager?.total ?? items.length);
    if (page >= pageCount || list.length === 0) return items;
  }
  throw new Dhis2Error('bad_response', `DHIS2 kept paging /api/${resource} past ${MAX_PAGES} pages; stopped.`);
}

/** Ids of objects DHIS2 has now; a missing id means the object was removed. */
export async function fetchAllIds(client: Dhis2Client, resource: string): Promise<Set<string>> {
  const items = await fetchAllPages(client, resource, { fields: 'id' }, ID_PAGE_SIZE);
  return new Set(items.map((item) => String(item.id)));
}

/** Keeps what Outpost needs of a unit; null for a unit without a usable id or path. */
export function readOrgUnit(item: Record<string, unknown>): RemoteOrgUnit | null {
  const id = typeof item.id === 'string' ? item.id : '';
  const path = typeof item.path === 'string' ? item.path : '';
  if (!DHIS2_UID.test(id) || !path.endsWith(`/${id}`)) return null;

  const ids = path.split('/').filter(Boolean);
  const parent = item.parent as { id?: unknown } | undefined;
  const parentId = typeof parent?.id === 'string' ? parent.id : (ids[ids.length - 2] ?? null);
  const name = textOf(item.name) ?? textOf(item.displayName) ?? id;
  return { id, name, parentId, path };
}

/** Keeps what Outpost needs of a user, reading userCredentials on DHIS2 before 2.42. */
export function readUser(item: Record<string, unknown>, timeZone: string): RemoteUser | null {
  const id = typeof item.id === 'string' ? item.id : '';
  const credentials = (item.userCredentials ?? {}) as Record<string, unknown>;
  const username = textOf(item.username) ?? textOf(credentials.username);
  if (!DHIS2_UID.test(id) || !username) return null;

  const disabled = item.disabled ?? credentials.disabled;
  const units = Array.isArray(item.organisationUnits) ? (item.organisationUnits as { id?: unknown }[]) : [];
  return {
    id,
    username,
    firstName: textOf(item.firstName) ?? '',
    surname: textOf(item.surname) ?? '',
    email: textOf(item.email),
    disabled: disabled === true,
    lastLoginAt: dhis2TimeToEpoch(item.lastLogin ?? credentials.lastLogin, timeZone),
    orgUnitIds: [...new Set(units.map((unit) => unit.id).filter((unitId): unitId is string => typeof unitId === 'string'))].sort(),
  };
}

export function readUserGroup(item: Record<string, unknown>): RemoteUserGroup | null {
  const id = typeof item.id === 'string' ? item.id : '';
  if (!DHIS2_UID.test(id)) return null;

  const users = Array.isArray(item.users) ? (item.users as { id?: unknown }[]) : [];
  return {
    id,
    name: textOf(item.name) ?? textOf(item.displayName) ?? id,
    memberIds: [...new Set(users.map((user) => user.id).filter((userId): userId is string => typeof userId === 'string'))].sort(),
  };
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
