import { describe, expect, it } from 'vitest';

import { captureVariantOf, pickCaptureAsset, releaseApiUrl } from '../../src/domain/release-assets.js';
import {
  currentStageIndex,
  failurePassesThreshold,
  findStageProblem,
  isDeviceSelected,
  joiningStageIndex,
  MIN_FAILURE_SAMPLE,
  STAGE_START_GRACE_MS,
} from '../../src/domain/rollout-plan.js';
import { rolloutPlace } from '../../src/domain/rollout-place.js';
import { scopeIncludes } from '../../src/domain/rollout-scope.js';

const NOW = 1_000_000_000;
const stages = [
  { startsAt: NOW, percent: 10, failureThreshold: 5 },
  { startsAt: NOW + 100, percent: 50, failureThreshold: 5 },
];

describe('rolloutPlace', () => {
  it('is stable and depends on device and package', () => {
    expect(rolloutPlace('phone-1', 'com.dhis2')).toBe(rolloutPlace('phone-1', 'com.dhis2'));
    expect(rolloutPlace('phone-1', 'com.dhis2')).not.toBe(rolloutPlace('phone-2', 'com.dhis2'));
    expect(rolloutPlace('phone-1', 'com.dhis2')).not.toBe(rolloutPlace('phone-1', 'org.other'));
  });

  it('spreads devices evenly', () => {
    const places = Array.from({ length: 10_000 }, (_, index) => rolloutPlace(`phone-${index}`, 'com.dhis2'));
    const underQuarter = places.filter((place) => place < 0.25).length;
    expect(places.every((place) => place >= 0 && place < 1)).toBe(true);
    expect(Math.abs(underQuarter / places.length - 0.25)).toBeLessThan(0.02);
  });
});

describe('findStageProblem', () => {
  it('accepts rising stages', () => {
    expect(findStageProblem(stages, NOW)).toBeNull();
    expect(findStageProblem(stages, NOW + STAGE_START_GRACE_MS)).toBeNull();
  });

  it.each([
    ['no stages', [], /at least one/],
    ['falling share', [stages[1]!, { ...stages[0]!, startsAt: NOW + 200 }], /shares must rise/],
    ['equal start', [stages[0]!, { ...stages[1]!, startsAt: NOW }], /start times must rise/],
    ['zero share', [{ ...stages[0]!, percent: 0 }], /more than 0/],
    ['threshold over 100', [{ ...stages[0]!, failureThreshold: 101 }], /threshold/],
  ])('rejects %s', (_name, list, message) => {
    expect(findStageProblem(list, NOW)?.message).toMatch(message);
  });

  it('rejects a start in the past', () => {
    expect(findStageProblem(stages, NOW + STAGE_START_GRACE_MS + 1)?.field).toBe('body.stages.0.startsAt');
  });
});

describe('stage selection', () => {
  it('follows the clock and the place', () => {
    expect(currentStageIndex(stages, NOW - 1)).toBe(-1);
    expect(currentStageIndex(stages, NOW + 100)).toBe(1);
    expect(joiningStageIndex(stages, 0.3, false)).toBe(1);
    expect(joiningStageIndex(stages, 0.9, false)).toBe(-1);
    expect(joiningStageIndex(stages, 0.9, true)).toBe(0);
    expect(isDeviceSelected({ state: 'running', stages }, 0.3, false, NOW)).toBe(false);
    expect(isDeviceSelected({ state: 'running', stages }, 0.3, false, NOW + 100)).toBe(true);
    expect(isDeviceSelected({ state: 'paused', stages }, 0.05, false, NOW + 100)).toBe(false);
  });
});

describe('failurePassesThreshold', () => {
  it('needs a minimum sample', () => {
    expect(failurePassesThreshold({ installed: 0, failed: MIN_FAILURE_SAMPLE - 1 }, 10)).toBe(false);
    expect(failurePassesThreshold({ installed: 8, failed: 2 }, 10)).toBe(true);
    expect(failurePassesThreshold({ installed: 9, failed: 1 }, 10)).toBe(false);
  });
});

describe('scopeIncludes', () => {
  const paths = new Map([['district', '/root/district/']]);
  const device = { id: 'd1', policyId: 'p1', orgUnitPath: '/root/district/clinic/' };

  it('matches filters, subtrees and listed devices', () => {
    expect(scopeIncludes({ policyIds: [], orgUnitIds: [], deviceIds: [] }, device, paths)).toBe(true);
    expect(scopeIncludes({ policyIds: ['p1'], orgUnitIds: ['district'], deviceIds: [] }, device, paths)).toBe(true);
    expect(scopeIncludes({ policyIds: ['p2'], orgUnitIds: ['district'], deviceIds: [] }, device, paths)).toBe(false);
    expect(scopeIncludes({ policyIds: [], orgUnitIds: [], deviceIds: ['d2'] }, device, paths)).toBe(false);
    expect(scopeIncludes({ policyIds: ['p2'], orgUnitIds: [], deviceIds: ['d1'] }, device, paths)).toBe(true);
  });
});

describe('release assets', () => {
  const assets = ['dhis2-v3.4.0-googlePlay.apk', 'dhis2-v3.4.0-training.apk', 'dhis2-v3.4.0.apk'].map((name) => ({ name, browser_download_url: `https://x/${name}` }));

  it('picks flavours by name', () => {
    expect(pickCaptureAsset(assets)?.name).toBe('dhis2-v3.4.0.apk');
    expect(pickCaptureAsset(assets, 'training')?.name).toBe('dhis2-v3.4.0-training.apk');
    expect(captureVariantOf('notes.txt')).toBeNull();
  });

  it('maps a release page to the API', () => {
    const page = new URL('https://github.com/dhis2/dhis2-android-capture-app/releases/tag/v3.4.0');
    expect(releaseApiUrl(page).href).toBe('https://api.github.com/repos/dhis2/dhis2-android-capture-app/releases/tags/v3.4.0');
  });
});
