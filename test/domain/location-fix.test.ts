import { describe, expect, it } from 'vitest';

import { checkFix, EARLIEST_FIX_TIME_MS, MAX_FIX_FUTURE_SKEW_MS } from '../../src/domain/location-fix.js';

const NOW = Date.UTC(2026, 2, 1, 8, 0, 0);

describe('checkFix', () => {
  const cases: Array<[string, { takenAt: number; lat: number; lon: number }, string | null]> = [
    ['ordinary fix', { takenAt: NOW - 60_000, lat: 8.48, lon: -13.23 }, null],
    ['poles and antimeridian', { takenAt: NOW, lat: -90, lon: 180 }, null],
    ['equator off null island', { takenAt: NOW, lat: 0, lon: 32.58 }, null],
    ['latitude past 90', { takenAt: NOW, lat: 90.0001, lon: 0.5 }, 'invalid_coordinates'],
    ['longitude past -180', { takenAt: NOW, lat: 1, lon: -180.1 }, 'invalid_coordinates'],
    ['latitude NaN', { takenAt: NOW, lat: Number.NaN, lon: 1 }, 'invalid_coordinates'],
    ['longitude infinite', { takenAt: NOW, lat: 1, lon: Number.POSITIVE_INFINITY }, 'invalid_coordinates'],
    ['exactly 0,0', { takenAt: NOW, lat: 0, lon: 0 }, 'null_island'],
    ['time at the skew limit', { takenAt: NOW + MAX_FIX_FUTURE_SKEW_MS, lat: 1, lon: 1 }, null],
    ['time past the skew limit', { takenAt: NOW + MAX_FIX_FUTURE_SKEW_MS + 1, lat: 1, lon: 1 }, 'future_time'],
    ['time before Android', { takenAt: EARLIEST_FIX_TIME_MS - 1, lat: 1, lon: 1 }, 'invalid_time'],
    ['time zero', { takenAt: 0, lat: 1, lon: 1 }, 'invalid_time'],
    ['time not whole', { takenAt: NOW - 0.5, lat: 1, lon: 1 }, 'invalid_time'],
  ];

  for (const [name, fix, expected] of cases) {
    it(name, () => {
      expect(checkFix(fix, NOW)).toBe(expected);
    });
  }
});
