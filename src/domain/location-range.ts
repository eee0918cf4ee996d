/** A period of fix times, inclusive, in milliseconds since the epoch. */
export interface TimeRange {
  from: number;
  to: number;
}

/** Period a track shows when the request names none: the last 24 hours, one working day of a health worker. */
export const DEFAULT_TRACK_HOURS = 24;

/** Maximum period of one track request: a leap year, well past the default 90-day retention. */
export const MAX_TRACK_RANGE_MS = 366 * 24 * 3_600_000;

/**
 * Earliest and latest time a query may name: 0000-01-01 to 9999-12-31 UTC,
 * the years an ISO 8601 date-time writes with four digits. Epoch
 * milliseconds outside this range have no such form, so messages and
 * export file names could not show them.
 */
export const MIN_TIME_PARAMETER_MS = Date.parse('0000-01-01T00:00:00Z');
export const MAX_TIME_PARAMETER_MS = Date.parse('9999-12-31T23:59:59.999Z');

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses a time query value: an ISO 8601 date-time with a zone (Z or an
 * offset) or whole milliseconds since the epoch, from year 0000 to 9999.
 * Returns null when the text is neither, because a time without a zone
 * would depend on the server's.
 */
export function parseTimeParameter(text: string): number | null {
  const trimmed = text.trim();
  let value: number;
  if (/^-?\d+$/.test(trimmed)) {
    value = Number(trimmed);
  } else {
    const match = ISO_DATE_TIME.exec(trimmed);
    if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return null;
    value = Date.parse(trimmed);
  }

  // An offset can move an ISO time just past year 0000 or 9999.
  if (!Number.isSafeInteger(value) || value < MIN_TIME_PARAMETER_MS || value > MAX_TIME_PARAMETER_MS) return null;
  return value;
}

/** Checks that a day exists in its month; Date.parse turns 30 February into 2 March instead of failing. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return day <= date.getUTCDate();
}

/**
 * Resolves the from and to of a track request: the last DEFAULT_TRACK_HOURS
 * up to `now` when both are absent, otherwise the given bounds. Returns the
 * range, or the problem with the name of the parameter at fault.
 */
export function resolveTrackRange(
  fromText: string | undefined,
  toText: string | undefined,
  now: number,
): TimeRange | { field: 'from' | 'to'; message: string } {
  const to = toText === undefined ? now : parseTimeParameter(toText);
  if (to === null) return { field: 'to', message: invalidTimeMessage('to', toText ?? '') };

  const from = fromText === undefined ? to - DEFAULT_TRACK_HOURS * 3_600_000 : parseTimeParameter(fromText);
  if (from === null) return { field: 'from', message: invalidTimeMessage('from', fromText ?? '') };

  if (from > to) {
    return { field: 'from', message: `Invalid from: ${new Date(from).toISOString()} is after to (${new Date(to).toISOString()}). Swap them.` };
  }
  if (to - from > MAX_TRACK_RANGE_MS) {
    return { field: 'from', message: 'Invalid from: the period is longer than 366 days. Ask for a shorter period.' };
  }
  return { from, to };
}

/** Message for a time query parameter that parseTimeParameter could not read. */
export function invalidTimeMessage(name: string, text: string): string {
  // A "+" left unencoded in a query string arrives as a space.
  const plusHint = /\d \d{2}:\d{2}$/.test(text) ? ' Write the + of the offset as %2B in the URL.' : '';
  return (
    `Invalid ${name} "${text}": expected an ISO 8601 date-time with a zone, ` +
    'such as 2026-03-01T08:00:00Z or 2026-03-01T08:00:00+01:00, or milliseconds since the epoch, ' +
    `on a real calendar day from year 0000 to 9999.${plusHint}`
  );
}
