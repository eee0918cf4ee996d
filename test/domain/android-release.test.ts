import { describe, expect, it } from 'vitest';

import { apiLevelOfRelease } from '../../src/domain/android-release.js';

describe('apiLevelOfRelease', () => {
  it.each([
    ['8.1.0', 27],
    ['8.0.0', 26],
    ['9', 28],
    ['10', 29],
    ['12', 31],
    ['14', 34],
    ['7.1.2', 25],
  ])('maps %s to %i', (release, level) => {
    expect(apiLevelOfRelease(release)).toBe(level);
  });

  it.each([null, '', 'Tiramisu', '99'])('returns null for %j', (release) => {
    expect(apiLevelOfRelease(release)).toBeNull();
  });
});
