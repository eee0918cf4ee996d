import { describe, expect, it } from 'vitest';

import { checkContactThresholds, contactState, MAX_CONTACT_THRESHOLD_MINUTES } from '../../src/domain/contact-state.js';

const NOW = Date.UTC(2026, 2, 1, 8, 0, 0);
const MINUTE = 60_000;
const THRESHOLDS = { lateAfterMinutes: 20, offlineAfterMinutes: 120 };

describe('contactState', () => {
  const cases: Array<[string, number | null, string]> = [
    ['no contact yet', null, 'never'],
    ['contact just now', NOW, 'online'],
    ['at the late threshold', NOW - 20 * MINUTE, 'online'],
    ['just past the late threshold', NOW - 20 * MINUTE - 1, 'late'],
    ['at the offline threshold', NOW - 120 * MINUTE, 'late'],
    ['just past the offline threshold', NOW - 120 * MINUTE - 1, 'offline'],
    ['days ago', NOW - 3 * 24 * 60 * MINUTE, 'offline'],
  ];

  for (const [name, lastContactAt, expected] of cases) {
    it(name, () => {
      expect(contactState(lastContactAt, NOW, THRESHOLDS)).toBe(expected);
    });
  }
});

describe('checkContactThresholds', () => {
  it('accepts late before offline', () => {
    expect(checkContactThresholds({ lateAfterMinutes: 1, offlineAfterMinutes: 2 })).toBeNull();
  });

  const bad: Array<[string, { lateAfterMinutes: number; offlineAfterMinutes: number }, string]> = [
    ['late zero', { lateAfterMinutes: 0, offlineAfterMinutes: 60 }, 'lateAfterMinutes'],
    ['late negative', { lateAfterMinutes: -5, offlineAfterMinutes: 60 }, 'lateAfterMinutes'],
    ['late fractional', { lateAfterMinutes: 1.5, offlineAfterMinutes: 60 }, 'lateAfterMinutes'],
    ['offline zero', { lateAfterMinutes: 20, offlineAfterMinutes: 0 }, 'offlineAfterMinutes'],
    ['offline too large', { lateAfterMinutes: 20, offlineAfterMinutes: MAX_CONTACT_THRESHOLD_MINUTES + 1 }, 'offlineAfterMinutes'],
    ['late equals offline', { lateAfterMinutes: 60, offlineAfterMinutes: 60 }, 'offlineAfterMinutes'],
    ['late after offline', { lateAfterMinutes: 90, offlineAfterMinutes: 60 }, 'offlineAfterMinutes'],
  ];

  for (const [name, thresholds, field] of bad) {
    it(`rejects ${name}`, () => {
      const problem = checkContactThresholds(thresholds);
      expect(problem?.field).toBe(field);
      expect(problem?.message).toContain(`Invalid ${field}`);
    });
  }
});
