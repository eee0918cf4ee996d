import { describe, expect, it } from 'vitest';

import { DEFAULT_TRACK_HOURS, parseTimeParameter, resolveTrackRange } from '../../src/domain/location-range.js';

const NOW = Date.UTC(2026, 2, 1, 8, 0, 0);

describe('parseTimeParameter', () => {
  it('reads epoch milliseconds', () => {
    expect(parseTimeParameter('1772352000000')).toBe(1_772_352_000_000);
  });

  it('reads ISO with Z and with an offset', () => {
    expect(parseTimeParameter('2026-03-01T08:00:00Z')).toBe(NOW);
    expect(parseTimeParameter('2026-03-01T09:00:00+01:00')).toBe(NOW);
    expect(parseTimeParameter('2026-03-01T08:00:00.250Z')).toBe(NOW + 250);
  });

  it('rejects a time without a zone', () => {
    expect(parseTimeParameter('2026-03-01T08:00:00')).toBeNull();
  });

  it('rejects text and impossible dates', () => {
    expect(parseTimeParameter('yesterday')).toBeNull();
    expect(parseTimeParameter('2026-02-30T25:00:00Z')).toBeNull();
    expect(parseTimeParameter('99999999999999999999')).toBeNull();
  });
});

describe('resolveTrackRange', () => {
  it('defaults to the last day', () => {
    expect(resolveTrackRange(undefined, undefined, NOW)).toEqual({ from: NOW - DEFAULT_TRACK_HOURS * 3_600_000, to: NOW });
  });

  it('names from when it is after to', () => {
    const result = resolveTrackRange('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z', NOW);
    expect(result).toMatchObject({ field: 'from' });
  });

  it('names to when it cannot be read', () => {
    expect(resolveTrackRange(undefined, 'soon', NOW)).toMatchObject({ field: 'to' });
  });

  it('rejects a period over a year', () => {
    expect(resolveTrackRange('2024-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NOW)).toMatchObject({ field: 'from' });
  });
});
