import { describe, expect, it } from 'vitest';

import { enrolmentTokenProblem, type EnrolmentTokenState } from '../../src/domain/enrolment-token.js';

const NOW = 1_750_000_000_000;
const open: EnrolmentTokenState = { revokedAt: null, expiresAt: null, usesLeft: null, presetDeviceId: null };

describe('enrolmentTokenProblem', () => {
  it('accepts an open token', () => {
    expect(enrolmentTokenProblem(open, 'phone-1', NOW)).toBeNull();
  });

  it('rejects a revoked token', () => {
    expect(enrolmentTokenProblem({ ...open, revokedAt: NOW - 1 }, 'phone-1', NOW)).toContain('revoked');
  });

  it('rejects an expired token', () => {
    expect(enrolmentTokenProblem({ ...open, expiresAt: NOW }, 'phone-1', NOW)).toContain('expired at 2025-');
  });

  it('accepts a token before its expiry', () => {
    expect(enrolmentTokenProblem({ ...open, expiresAt: NOW + 1 }, 'phone-1', NOW)).toBeNull();
  });

  it('rejects a used-up token', () => {
    expect(enrolmentTokenProblem({ ...open, usesLeft: 0 }, 'phone-1', NOW)).toContain('no uses left');
  });

  it('rejects another device than the preset one', () => {
    const token = { ...open, presetDeviceId: 'phone-2' };

    expect(enrolmentTokenProblem(token, 'phone-1', NOW)).toContain('"phone-2"');
    expect(enrolmentTokenProblem(token, 'phone-2', NOW)).toBeNull();
  });
});
