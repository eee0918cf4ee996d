import { describe, expect, it } from 'vitest';

import { dhis2TimeToEpoch, shiftDhis2Time } from '../../src/dhis2/dates.js';
import { parseDhis2Version, versionSupport } from '../../src/dhis2/version.js';

describe('DHIS2 times', () => {
  it('reads server-local times in the server zone', () => {
    expect(dhis2TimeToEpoch('2024-08-20T11:43:58.694', 'Etc/UTC')).toBe(Date.parse('2024-08-20T11:43:58.694Z'));
    // The 2.43 recording's server runs on Europe/Oslo: UTC+1 in October after the change.
    expect(dhis2TimeToEpoch('2025-10-30T14:40:56.658', 'Europe/Oslo')).toBe(Date.parse('2025-10-30T13:40:56.658Z'));
    expect(dhis2TimeToEpoch('2025-07-01T12:00:00.000', 'Europe/Oslo')).toBe(Date.parse('2025-07-01T10:00:00.000Z'));
    expect(dhis2TimeToEpoch('2024-01-01T00:00:00.000+03:00', 'Etc/UTC')).toBe(Date.parse('2023-12-31T21:00:00.000Z'));
  });

  it('ignores what is not a time', () => {
    expect(dhis2TimeToEpoch(undefined, 'UTC')).toBeNull();
    expect(dhis2TimeToEpoch('yesterday', 'UTC')).toBeNull();
  });

  it('shifts a time in DHIS2 form', () => {
    expect(shiftDhis2Time('2024-08-20T00:05:00.000', -10 * 60_000)).toBe('2024-08-19T23:55:00.000');
    expect(shiftDhis2Time('garbage', 1)).toBeNull();
  });
});

describe('DHIS2 versions', () => {
  it.each([
    ['2.40.2.2', 'supported'],
    ['2.43-SNAPSHOT', 'supported'],
    ['2.38.7', 'supported'],
    ['2.37.9', 'too_old'],
    ['2.44.0', 'newer'],
    ['3.0', 'newer'],
  ])('%s is %s', (text, support) => {
    expect(versionSupport(parseDhis2Version(text)!)).toBe(support);
  });

  it('rejects text without a version', () => {
    expect(parseDhis2Version('DHIS 2')).toBeNull();
    expect(parseDhis2Version(42)).toBeNull();
  });
});
