import fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import { compareAppVersions, offeredVersion, readVersionsValue, type ApkEntry } from '../../src/dhis2/apk-distribution.js';
import { planApkWrite } from '../../src/dhis2/apk-plan.js';

const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`../fixtures/dhis2/${name}`, import.meta.url), 'utf8')) as unknown;
const { entries } = readVersionsValue(fixture('apk-distribution-versions.json'));
const latest = fixture('apk-distribution-latest.json') as { version: string; downloadURL: string };
const OUTPOST = 'https://mdm.example.org/files/apps/';
const isOutpostUrl = (url: string) => url.startsWith(OUTPOST);
const mine = (group: string, version: string): ApkEntry => ({ version, downloadURL: `${OUTPOST}v/${version}.apk`, isDefault: false, userGroups: [group] });

describe('APK_DISTRIBUTION reading', () => {
  it('compares versions number by number', () => {
    expect(compareAppVersions('3.4.0.1', '3.4.0')).toBeGreaterThan(0);
    expect(compareAppVersions('v2.7.1.1', '2.7.1.1')).toBe(0);
    expect(compareAppVersions('40.2', '40.10')).toBeLessThan(0);
  });

  it('offers the highest of the group and default entries, then latestVersion', () => {
    expect(offeredVersion(entries, latest, ['Kk12LkEWtXp'])).toMatchObject({ version: '40.3', from: 'default' });
    const withoutDefault = entries.filter((entry) => entry.isDefault !== true);
    expect(offeredVersion(withoutDefault, latest, ['Kk12LkEWtXp'])).toMatchObject({ version: '40.2', from: 'group' });
    expect(offeredVersion(withoutDefault, latest, ['other'])).toMatchObject({ version: 'v2.7.1.1', from: 'latest' });
    expect(offeredVersion([], null, ['other'])).toMatchObject({ version: null, from: 'none' });
  });

  it('reports a value that is not {versions: [...]}', () => {
    expect(readVersionsValue([1, 2]).problem).toMatch(/not of the form/);
    expect(readVersionsValue(undefined)).toEqual({ entries: [], rest: {}, problem: null });
  });
});

describe('APK_DISTRIBUTION plan', () => {
  it('adds, updates and removes only its own entries', () => {
    const current = [...entries, mine('groupAAAAAA', '3.3.0'), mine('groupBBBBBB', '3.3.0')];
    const written = { groupAAAAAA: mine('groupAAAAAA', '3.3.0'), groupBBBBBB: mine('groupBBBBBB', '3.3.0') };
    const plan = planApkWrite({
      entries: current,
      desired: [
        { groupId: 'groupAAAAAA', entry: mine('groupAAAAAA', '3.4.0') },
        { groupId: 'groupCCCCCC', entry: mine('groupCCCCCC', '3.4.0') },
      ],
      isOutpostUrl,
      written,
      confirmed: false,
    });

    expect(plan.changes.map((change) => [change.action, change.groupId, change.needsConfirmation])).toEqual([
      ['update', 'groupAAAAAA', false],
      ['add', 'groupCCCCCC', false],
      ['remove', 'groupBBBBBB', false],
    ]);
    expect(plan.entries.slice(0, 3)).toEqual(entries);
    expect(plan.entries.slice(3)).toEqual([mine('groupAAAAAA', '3.4.0'), mine('groupCCCCCC', '3.4.0')]);
  });

  it('leaves a higher foreign entry for a linked group until confirmed', () => {
    const desired = [{ groupId: 'Kk12LkEWtXp', entry: mine('Kk12LkEWtXp', '3.4.0') }];
    const waiting = planApkWrite({ entries, desired, isOutpostUrl, written: {}, confirmed: false });
    expect(waiting.changes.filter((change) => change.action === 'release_group')).toHaveLength(2);
    expect(waiting.entries.filter((entry) => Array.isArray(entry.userGroups) && entry.userGroups.includes('Kk12LkEWtXp'))).toHaveLength(3);
    expect(waiting.warnings).toEqual([expect.stringMatching(/default entry offers 40\.3/)]);

    const confirmed = planApkWrite({ entries, desired, isOutpostUrl, written: {}, confirmed: true });
    expect(confirmed.entries).toEqual([entries[0], mine('Kk12LkEWtXp', '3.4.0')]);
  });

  it('guards an own entry edited by someone else', () => {
    const edited = { ...mine('groupAAAAAA', '3.3.0'), androidOSVersion: { min: '9' } };
    const plan = planApkWrite({
      entries: [edited],
      desired: [{ groupId: 'groupAAAAAA', entry: null }],
      isOutpostUrl,
      written: { groupAAAAAA: mine('groupAAAAAA', '3.3.0') },
      confirmed: false,
    });
    expect(plan.changes).toEqual([expect.objectContaining({ action: 'remove', needsConfirmation: true })]);
    expect(plan.entries).toEqual([edited]);
  });
});
