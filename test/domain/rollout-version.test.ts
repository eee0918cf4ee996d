import { describe, expect, it } from 'vitest';

import { decideAppVersion, type CandidateVersion } from '../../src/domain/effective-version.js';

const v1: CandidateVersion = { versionCode: 1, minSdk: 21 };
const v2: CandidateVersion = { versionCode: 2, minSdk: 21 };
const v3: CandidateVersion = { versionCode: 3, minSdk: 30 };
const catalogue = [v1, v2, v3];

function decide(overrides: Partial<Parameters<typeof decideAppVersion<CandidateVersion>>[0]>) {
  return decideAppVersion<CandidateVersion>({
    policyVersion: v1,
    catalogue,
    installedVersionCode: 1,
    deviceSdk: 34,
    rollout: null,
    pinMaxVersionCode: null,
    ...overrides,
  });
}

describe('decideAppVersion', () => {
  it('keeps the policy version without a rollout', () => {
    expect(decide({})).toEqual({ version: v1, rollout: 'none' });
  });

  it('raises a selected device to the target', () => {
    expect(decide({ rollout: { target: v2, selected: true, failed: false } })).toEqual({ version: v2, rollout: 'offered' });
  });

  it('leaves an unselected device on the policy version', () => {
    expect(decide({ rollout: { target: v2, selected: false, failed: false } })).toEqual({ version: v1, rollout: 'not-selected' });
  });

  it('stops offering to a failed device', () => {
    expect(decide({ rollout: { target: v2, selected: true, failed: true } })).toEqual({ version: v1, rollout: 'failed' });
  });

  it('never offers below minSdk', () => {
    expect(decide({ rollout: { target: v3, selected: true, failed: false }, deviceSdk: 28 })).toEqual({ version: v1, rollout: 'incompatible' });
    expect(decide({ rollout: { target: v3, selected: true, failed: false }, deviceSdk: null }).rollout).toBe('incompatible');
  });

  it('caps the offer at a pin', () => {
    expect(decide({ rollout: { target: v3, selected: true, failed: false }, pinMaxVersionCode: 2 })).toEqual({ version: v1, rollout: 'pinned' });
    expect(decide({ policyVersion: v3, installedVersionCode: null, pinMaxVersionCode: 2 }).version).toBe(v2);
  });

  it('never offers below the installed version', () => {
    expect(decide({ installedVersionCode: 2 })).toEqual({ version: v2, rollout: 'none' });
    expect(decide({ installedVersionCode: 3, pinMaxVersionCode: 1 }).version).toBe(v3);
  });

  it('reports a device already at the target', () => {
    expect(decide({ installedVersionCode: 2, rollout: { target: v2, selected: true, failed: false } })).toEqual({ version: v2, rollout: 'installed' });
  });
});
