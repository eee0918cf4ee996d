import { describe, expect, it } from 'vitest';

import {
  appState,
  complianceIssues,
  decodePermissions,
  paidSettingsState,
  policyStanding,
  type PolicyTracking,
} from '../../src/domain/compliance.js';
import { defaultPolicySettings } from '../../src/domain/policy-settings.js';

const current = { policyId: 'p1', version: 3, overrideRevision: 0 };
const tracking = (change: Partial<PolicyTracking>): PolicyTracking => ({
  fetchedPolicyId: 'p1',
  fetchedPolicyVersion: 3,
  fetchedOverrideRevision: 0,
  fetchedAt: 1000,
  appliedPolicyId: null,
  appliedPolicyVersion: null,
  appliedOverrideRevision: null,
  appliedAt: null,
  ...change,
});

describe('policyStanding', () => {
  it('is no-policy without a policy', () => {
    expect(policyStanding(null, null).state).toBe('no-policy');
  });

  it('is never-fetched without a fetch', () => {
    expect(policyStanding(current, null).state).toBe('never-fetched');
  });

  it('is pending after a fetch without a report', () => {
    const standing = policyStanding(current, tracking({}));

    expect(standing.state).toBe('pending');
    expect(standing.fetchedCurrent).toBe(true);
  });

  it('is applied once the fetched version was reported on', () => {
    const standing = policyStanding(current, tracking({ appliedPolicyId: 'p1', appliedPolicyVersion: 3, appliedOverrideRevision: 0 }));

    expect(standing.state).toBe('applied');
  });

  it('is pending when a newer version was saved', () => {
    const standing = policyStanding(
      { ...current, version: 4 },
      tracking({ appliedPolicyId: 'p1', appliedPolicyVersion: 3, appliedOverrideRevision: 0 }),
    );

    expect(standing.state).toBe('pending');
    expect(standing.fetchedCurrent).toBe(false);
  });

  it('is pending when the overrides changed', () => {
    const standing = policyStanding(
      { ...current, overrideRevision: 2 },
      tracking({ appliedPolicyId: 'p1', appliedPolicyVersion: 3, appliedOverrideRevision: 1 }),
    );

    expect(standing.state).toBe('pending');
  });

  it('is pending on another policy', () => {
    const standing = policyStanding(
      { ...current, policyId: 'p2', version: 3 },
      tracking({ appliedPolicyId: 'p1', appliedPolicyVersion: 3, appliedOverrideRevision: 0 }),
    );

    expect(standing.state).toBe('pending');
  });
});

describe('appState', () => {
  const target = { packageName: 'com.dhis2', action: 'install' as const, versionCode: 150, versionName: '3.3' };

  it.each([
    [undefined, 'missing'],
    [{ versionName: '3.3', versionCode: 150 }, 'current'],
    [{ versionName: '3.4', versionCode: 151 }, 'current'],
    [{ versionName: '3.2', versionCode: 149 }, 'outdated'],
    [{ versionName: 'custom', versionCode: null }, 'unknown-version'],
    [{ versionName: '3.3', versionCode: null }, 'current'],
  ])('installed %j is %s', (installed, state) => {
    expect(appState(target, installed)).toBe(state);
  });

  it('tracks removals', () => {
    const removal = { packageName: 'com.example', action: 'remove' as const, versionCode: null, versionName: null };

    expect(appState(removal, { versionName: '1', versionCode: 1 })).toBe('removal-pending');
    expect(appState(removal, undefined)).toBe('removed');
  });
});

describe('decodePermissions', () => {
  it('reads the agent order', () => {
    expect(decodePermissions([1, 0, 1, 1])).toEqual({ deviceAdmin: true, drawOverlays: false, usageStats: true, accessibility: true });
  });

  it('gives null for missing flags', () => {
    expect(decodePermissions(null)).toEqual({ deviceAdmin: null, drawOverlays: null, usageStats: null, accessibility: null });
  });
});

describe('paidSettingsState', () => {
  it('is unsupported for kiosk on the open-source agent', () => {
    const settings = { ...defaultPolicySettings(), kioskMode: true, kioskApp: 'com.dhis2' };

    expect(paidSettingsState(settings, 'opensource')).toEqual({ state: 'unsupported', settings: ['kioskMode', 'kioskApp'] });
    expect(paidSettingsState(settings, null).state).toBe('unverified');
  });

  it('is none without paid settings', () => {
    expect(paidSettingsState(defaultPolicySettings(), 'opensource').state).toBe('none');
  });
});

describe('complianceIssues', () => {
  const base = {
    policy: { state: 'applied' as const, fetchedCurrent: true },
    appStates: ['current' as const],
    deviceOwner: true,
    permissions: decodePermissions([1, 1, 1, 1]),
    paidSettings: 'none' as const,
  };

  it('is empty for a compliant device', () => {
    expect(complianceIssues(base)).toEqual([]);
  });

  it('lists every problem', () => {
    const issues = complianceIssues({
      policy: { state: 'pending', fetchedCurrent: false },
      appStates: ['outdated'],
      deviceOwner: false,
      permissions: decodePermissions([0, 1, 1, 1]),
      paidSettings: 'unsupported',
    });

    expect(issues).toEqual(['policy-pending', 'apps-not-current', 'not-device-owner', 'device-admin-off', 'paid-settings-unsupported']);
  });

  it('does not count facts never reported', () => {
    expect(complianceIssues({ ...base, deviceOwner: null, permissions: null })).toEqual([]);
  });
});
