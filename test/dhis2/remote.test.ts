import fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import { readOrgUnit, readUser, readUserGroup, userFields } from '../../src/dhis2/remote.js';
import { parseDhis2Version } from '../../src/dhis2/version.js';

const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`../fixtures/dhis2/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('reading DHIS2 objects', () => {
  it('takes the parent from the path when the response has no parent', () => {
    const units = fixture('organisation-units.json').organisationUnits as Record<string, unknown>[];
    const badjia = units.find((unit) => unit.id === 'YuQRtpLP10I')!;
    expect(readOrgUnit(badjia)).toEqual({ id: 'YuQRtpLP10I', name: 'Badjia', parentId: 'O6uvpzGd5pu', path: '/ImspTQPwCqd/O6uvpzGd5pu/YuQRtpLP10I' });
  });

  it('skips a unit whose path does not end with its id', () => {
    expect(readOrgUnit({ id: 'YuQRtpLP10I', path: '/ImspTQPwCqd/O6uvpzGd5pu' })).toBeNull();
    expect(readOrgUnit({ id: 'bad id', path: '/bad id' })).toBeNull();
  });

  it('reads the recorded /api/me user with its units and ignores unknown fields', () => {
    const user = readUser(fixture('me.json'), 'Etc/UTC');
    expect(user).toMatchObject({ id: 'xE7jOejl9FI', username: 'admin', firstName: 'First01', surname: 'Last01', disabled: false, orgUnitIds: ['ImspTQPwCqd'] });
  });

  it('falls back to userCredentials before 2.42', () => {
    const user = readUser(
      { id: 'oXD88WWSQpR', userCredentials: { username: 'user05', disabled: true, lastLogin: '2013-12-30T17:16:43.235' } },
      'Etc/UTC',
    );
    expect(user).toMatchObject({ username: 'user05', disabled: true, lastLoginAt: Date.parse('2013-12-30T17:16:43.235Z') });
    expect(userFields(parseDhis2Version('2.41.3')!)).toContain('userCredentials');
    expect(userFields(parseDhis2Version('2.42.1')!)).not.toContain('userCredentials');
  });

  it('reads recorded user groups', () => {
    const groups = fixture('user-groups.json').userGroups as Record<string, unknown>[];
    expect(groups.map(readUserGroup).every((group) => group !== null)).toBe(true);
    expect(readUserGroup({ id: 'Kk12LkEWtXp', displayName: 'TB', users: [{ id: 'b' }, { id: 'a' }, { id: 'a' }] })).toEqual({
      id: 'Kk12LkEWtXp',
      name: 'TB',
      memberIds: ['a', 'b'],
    });
  });
});
