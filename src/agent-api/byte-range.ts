/** The bytes of a file that a Range header selects. */
export type ByteRangeSelection =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * Reads a Range header for a file of `size` bytes. Only one byte range is
 * served: a header in another unit, with several ranges, with a last byte
 * before the first, or with no positions at all is ignored, and the whole
 * file is sent, as HTTP allows. A bytes range that is not two decimal
 * positions around a dash is unsatisfiable, so the client learns the size
 * from the 416 response. `end` is inclusive.
 */
export function selectByteRange(header: string | undefined, size: number): ByteRangeSelection {
  if (header === undefined) return { kind: 'full' };

  const spec = /^bytes=(.*)$/i.exec(header.trim())?.[1];
  if (spec === undefined || spec.includes(',')) return { kind: 'full' };

  const match = /^(\d*)-(\d*)$/.exec(spec.trim());
  if (!match) return { kind: 'unsatisfiable' };
  if (match[1] === '' && match[2] === '') return { kind: 'full' };

  const first = match[1] ?? '';
  const last = match[2] ?? '';

  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }

  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/**
 * Tells whether an If-Range value still names the stored file, so a
 * partial response may continue an earlier download. An entity tag must
 * equal the strong ETag, and a date must equal Last-Modified exactly.
 */
export function ifRangeMatches(ifRange: string | undefined, etag: string, lastModified: string): boolean {
  if (ifRange === undefined) return true;

  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith('W/')) return value === etag;
  return value === lastModified;
}

/**
 * Tells whether an If-None-Match value names the stored file, so the
 * response may be a 304. The value is "*" or a list of entity tags, which
 * HTTP compares weakly for this header (RFC 9110, section 13.1.2), so
 * W/"x" matches "x".
 */
export function ifNoneMatchMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;

  const value = ifNoneMatch.trim();
  if (value === '*') return true;
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
