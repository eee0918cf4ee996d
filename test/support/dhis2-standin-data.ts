import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

// The stand-in's data: the recorded Sierra Leone demo responses in
// test/fixtures/dhis2, widened with generated units and users so that a
// test can sync trees of DHIS2's real size.

const FIXTURES = fileURLToPath(new URL('../fixtures/dhis2/', import.meta.url));

export function readFixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(FIXTURES + name, 'utf8')) as T;
}

export interface StandinOrgUnit {
  id: string;
  name: string;
  code: string | null;
  level: number;
  path: string;
  parentId: string | null;
  openingDate: string;
  closedDate: string | null;
  lastUpdated: number;
}

export interface StandinUser {
  id: string;
  username: string;
  firstName: string;
  surname: string;
  email: string | null;
  disabled: boolean;
  lastLogin: number | null;
  orgUnitIds: string[];
  userGroupIds: string[];
  userRoleIds: string[];
  lastUpdated: number;
}

export interface StandinUserGroup {
  id: string;
  name: string;
  lastUpdated: number;
}

const UID_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const UID_CHARS = UID_LETTERS + '0123456789';

/** Derives an 11-character DHIS2-style uid (a letter, then ten letters or digits) from `seed` alone. */
export function standinUid(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let uid = UID_LETTERS[digest[0]! % UID_LETTERS.length]!;
  for (let i = 1; i < 11; i++) {
    uid += UID_CHARS[digest[i]! % UID_CHARS.length];
  }
  return uid;
}

/** Times in the recorded responses: local server time without a zone; the stand-in runs on UTC. */
export function formatDhis2Date(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '');
}

export function parseDhis2Date(text: string): number {
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  return Date.parse(withZone);
}

/** Time of every object that no test has touched: before any sync a test runs. */
export const BASE_TIME = Date.parse('2024-06-01T08:00:00.000Z');

interface RecordedUnit {
  id: string;
  displayName: string;
  path: string;
  level: number;
}

/**
 * Builds the 166 recorded units of Sierra Leone (levels 1 to 3), then generated
 * chiefdom facilities (level 4) and villages (level 5) until `total` units.
 */
export function buildOrgUnits(total: number): StandinOrgUnit[] {
  const recorded = readFixture<{ organisationUnits: RecordedUnit[] }>('organisation-units.json').organisationUnits;
  const units: StandinOrgUnit[] = recorded.map((unit) => fromRecorded(unit));
  units.sort((a, b) => a.level - b.level || a.id.localeCompare(b.id));

  const districts = units.filter((unit) => unit.level === 3);
  const facilities: StandinOrgUnit[] = [];
  let index = 0;

  // Four facilities per district first, then villages spread over facilities.
  for (const district of districts) {
    for (let k = 0; k < 4 && units.length < total; k++) {
      const facility = generatedChild(district, `Facility ${++index}`, `ou4-${index}`);
      facilities.push(facility);
      units.push(facility);
    }
  }
  let village = 0;
  while (units.length < total && facilities.length > 0) {
    const parent = facilities[village % facilities.length]!;
    village++;
    units.push(generatedChild(parent, `Village ${village}`, `ou5-${village}`));
  }
  return units.slice(0, Math.max(total, 0));
}

function fromRecorded(unit: RecordedUnit): StandinOrgUnit {
  const ids = unit.path.split('/').filter(Boolean);
  return {
    id: unit.id,
    name: unit.displayName,
    code: null,
    level: unit.level,
    path: unit.path,
    parentId: ids.length > 1 ? ids[ids.length - 2]! : null,
    openingDate: '1970-01-01T00:00:00.000',
    closedDate: null,
    lastUpdated: BASE_TIME,
  };
}

function generatedChild(parent: StandinOrgUnit, name: string, seed: string): StandinOrgUnit {
  const id = standinUid(seed);
  return {
    id,
    name,
    code: seed.toUpperCase(),
    level: parent.level + 1,
    path: `${parent.path}/${id}`,
    parentId: parent.id,
    openingDate: '2010-01-01T00:00:00.000',
    closedDate: null,
    lastUpdated: BASE_TIME,
  };
}

interface RecordedGroup {
  id: string;
  displayName: string;
}

export function buildUserGroups(): StandinUserGroup[] {
  const recorded = readFixture<{ userGroups: RecordedGroup[] }>('user-groups.json').userGroups;
  return recorded.map((group) => ({ id: group.id, name: group.displayName, lastUpdated: BASE_TIME }));
}

interface RecordedMe {
  id: string;
  username: string;
  firstName: string;
  surname: string;
  organisationUnits: { id: string }[];
  userGroups: { id: string }[];
  userRoles: { id: string }[];
}

interface RecordedUser {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  email?: string;
  lastLogin?: string;
}

/**
 * Builds the recorded admin (from me.json) and 50 recorded users, then generated
 * community health workers, one per facility or village in turn, each in
 * one of the recorded user groups, until `total` users.
 */
export function buildUsers(total: number, units: StandinOrgUnit[], groups: StandinUserGroup[]): StandinUser[] {
  const me = readFixture<RecordedMe>('me.json');
  const users: StandinUser[] = [
    {
      id: me.id,
      username: me.username,
      firstName: me.firstName,
      surname: me.surname,
      email: null,
      disabled: false,
      lastLogin: BASE_TIME,
      orgUnitIds: me.organisationUnits.map((unit) => unit.id),
      userGroupIds: me.userGroups.map((group) => group.id),
      userRoleIds: me.userRoles.map((role) => role.id),
      lastUpdated: BASE_TIME,
    },
  ];

  const recorded = readFixture<{ users: RecordedUser[] }>('users.json').users;
  for (const user of recorded) {
    if (users.length >= total) break;
    const [firstName = user.displayName, ...rest] = user.displayName.split(' ');
    users.push({
      id: user.id,
      username: user.username,
      firstName,
      surname: rest.join(' '),
      email: user.email ?? null,
      disabled: user.disabled,
      lastLogin: user.lastLogin ? parseDhis2Date(user.lastLogin) : null,
      orgUnitIds: [],
      userGroupIds: [],
      userRoleIds: [],
      lastUpdated: BASE_TIME,
    });
  }

  const workplaces = units.filter((unit) => unit.level >= 4);
  const places = workplaces.length > 0 ? workplaces : units;
  let n = 0;
  while (users.length < total) {
    n++;
    const place = places[(n - 1) % places.length];
    const group = groups[(n - 1) % Math.max(groups.length, 1)];
    users.push({
      id: standinUid(`user-${n}`),
      username: `chw${String(n).padStart(5, '0')}`,
      firstName: `Worker${n}`,
      surname: `Field${n % 97}`,
      email: null,
      disabled: false,
      lastLogin: BASE_TIME - n * 60_000,
      orgUnitIds: place ? [place.id] : [],
      userGroupIds: group ? [group.id] : [],
      userRoleIds: [],
      lastUpdated: BASE_TIME,
    });
  }
  return users;
}
