import { describe, expect, it } from 'vitest';

import { ifRangeMatches, selectByteRange } from '../../src/agent-api/byte-range.js';

describe('selectByteRange', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=900-', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=900-5000', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-3', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
  ])('reads %j for 1000 bytes', (header, expected) => {
    expect(selectByteRange(header, 1000)).toEqual(expected);
  });

  it('finds nothing to send in an empty file', () => {
    expect(selectByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('ifRangeMatches', () => {
  const etag = '"abc"';
  const lastModified = 'Wed, 21 Oct 2025 07:28:00 GMT';

  it('matches the same strong ETag', () => {
    expect(ifRangeMatches('"abc"', etag, lastModified)).toBe(true);
  });

  it('rejects another or a weak ETag', () => {
    expect(ifRangeMatches('"abd"', etag, lastModified)).toBe(false);
    expect(ifRangeMatches('W/"abc"', etag, lastModified)).toBe(false);
  });

  it('matches the exact Last-Modified date', () => {
    expect(ifRangeMatches(lastModified, etag, lastModified)).toBe(true);
    expect(ifRangeMatches('Thu, 22 Oct 2025 07:28:00 GMT', etag, lastModified)).toBe(false);
  });

  it('allows a range without If-Range', () => {
    expect(ifRangeMatches(undefined, etag, lastModified)).toBe(true);
  });
});
