import { describe, expect, it } from 'vitest';

import { csrfTokenMatches, hashSessionToken } from '../../src/auth/sessions.js';

describe('hashSessionToken', () => {
  it('returns the hex SHA-256 of the token', () => {
    // sha256("abc") from FIPS 180-2, appendix B.1.
    expect(hashSessionToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('csrfTokenMatches', () => {
  it('accepts the same token', () => {
    expect(csrfTokenMatches('token-value', 'token-value')).toBe(true);
  });

  it('rejects another token of the same length', () => {
    expect(csrfTokenMatches('token-value', 'token-valuf')).toBe(false);
  });

  it('rejects a token of another length', () => {
    expect(csrfTokenMatches('token-value', 'token')).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(csrfTokenMatches('token-value', undefined)).toBe(false);
  });

  it('rejects an empty header', () => {
    expect(csrfTokenMatches('token-value', '')).toBe(false);
  });
});
