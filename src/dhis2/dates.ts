// DHIS2 writes times in the server's time zone without an offset,
// e.g. "2024-08-20T11:43:58.694"; /api/system/info names the zone.

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

function naiveToUtcMs(text: string): number | null {
  const match = NAIVE.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
}

/** Offset of a time zone from UTC at an instant, in milliseconds; 0 for an unknown zone. */
function zoneOffsetMs(timeZone: string, at: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(at));
    const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return local - Math.floor(at / 1000) * 1000;
  } catch {
    return 0;
  }
}

/** Converts a DHIS2 time to milliseconds since the epoch; a time with an explicit offset keeps it. */
export function dhis2TimeToEpoch(text: unknown, timeZone: string): number | null {
  if (typeof text !== 'string' || text === '') return null;
  if (/[zZ]|[+-]\d\d:?\d\d$/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  const naive = naiveToUtcMs(text);
  if (naive === null) return null;
  return naive - zoneOffsetMs(timeZone, naive - zoneOffsetMs(timeZone, naive));
}

/** Moves a DHIS2 time by `deltaMs` and writes it back in DHIS2's own form, for a lastUpdated filter. */
export function shiftDhis2Time(text: string, deltaMs: number): string | null {
  const naive = naiveToUtcMs(text);
  if (naive === null) return null;
  return new Date(naive + deltaMs).toISOString().replace('Z', '');
}
